package dev.railyard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.provider.http.ProviderFailures;
import dev.railyard.provider.shape.ChatChoice;
import dev.railyard.provider.shape.DataUrl;
import dev.railyard.provider.shape.OpenAiShape;
import dev.railyard.provider.shape.ToolCall;
import dev.railyard.schema.event.Usage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OpenAI chat requests to Bedrock Converse and back
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html), and embeddings
 * to the Titan and Cohere embedding models' InvokeModel bodies.
 */
final class BedrockWire {
    static final String PROVIDER = "bedrock";
    private static final Map<String, String> IMAGE_FORMATS = Map.of("image/png", "png", "image/jpeg", "jpeg",
            "image/jpg", "jpeg", "image/gif", "gif", "image/webp", "webp");

    private BedrockWire() {
    }

    /** {@code /model/{modelId}/{action}}, the model id encoded as the SDK encodes a path label ({@code :} → {@code %3A}). */
    static String path(String modelId, String action) {
        return "/model/" + URLEncoder.encode(modelId, StandardCharsets.UTF_8).replace("+", "%20") + "/" + action;
    }

    static ObjectNode converse(ObjectMapper mapper, JsonNode body) {
        ObjectNode out = mapper.createObjectNode();
        ArrayNode system = mapper.createArrayNode();
        messages(mapper, body.path("messages"), out.putArray("messages"), system);
        if (!system.isEmpty()) {
            out.set("system", system);
        }
        ObjectNode inference = mapper.createObjectNode();
        Integer max = OpenAiShape.maxTokens(body);
        if (max != null) {
            inference.put("maxTokens", max);
        }
        if (body.hasNonNull("temperature")) {
            inference.set("temperature", body.get("temperature"));
        }
        if (body.hasNonNull("top_p")) {
            inference.set("topP", body.get("top_p"));
        }
        List<String> stop = OpenAiShape.stop(body);
        if (!stop.isEmpty()) {
            ArrayNode sequences = inference.putArray("stopSequences");
            stop.forEach(sequences::add);
        }
        if (!inference.isEmpty()) {
            out.set("inferenceConfig", inference);
        }
        toolConfig(body, out);
        return out;
    }

    private static void messages(ObjectMapper mapper, JsonNode messages, ArrayNode out, ArrayNode system) {
        String lastRole = null;
        ArrayNode content = null;
        for (JsonNode message : messages) {
            String role = message.path("role").asText();
            if ("system".equals(role) || "developer".equals(role)) {
                String text = OpenAiShape.text(message.get("content"), role, PROVIDER);
                if (!text.isEmpty()) {
                    system.addObject().put("text", text);
                }
                continue;
            }
            String bedrockRole = switch (role) {
                case "user", "tool" -> "user";
                case "assistant" -> "assistant";
                default -> throw ProviderFailures.unsupported("messages[].role '" + role + "'", PROVIDER);
            };
            // Converse wants alternating turns: tool results and the user text after them share one.
            if (!bedrockRole.equals(lastRole)) {
                content = out.addObject().put("role", bedrockRole).putArray("content");
                lastRole = bedrockRole;
            }
            switch (role) {
                case "user" -> userContent(message.get("content"), content);
                case "assistant" -> {
                    String text = OpenAiShape.text(message.get("content"), role, PROVIDER);
                    if (!text.isEmpty()) {
                        content.addObject().put("text", text);
                    }
                    for (JsonNode call : message.path("tool_calls")) {
                        ObjectNode use = content.addObject().putObject("toolUse").put("toolUseId", call.path("id").asText())
                                .put("name", call.path("function").path("name").asText());
                        use.set("input", OpenAiShape.arguments(mapper, call));
                    }
                }
                default -> {
                    ObjectNode result = content.addObject().putObject("toolResult").put("toolUseId", message.path("tool_call_id").asText());
                    result.putArray("content").addObject().put("text", OpenAiShape.text(message.get("content"), role, PROVIDER));
                }
            }
        }
    }

    private static void userContent(JsonNode content, ArrayNode blocks) {
        if (content == null || content.isTextual()) {
            blocks.addObject().put("text", content == null ? "" : content.asText());
            return;
        }
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            switch (type) {
                case "text" -> blocks.addObject().put("text", part.path("text").asText());
                case "image_url" -> {
                    // Converse takes image bytes only: a remote URL would need fetching, which is not ours to do.
                    DataUrl data = DataUrl.parse(part.path("image_url").path("url").asText())
                            .orElseThrow(() -> ProviderFailures.unsupported("image_url with a remote URL (use a data URL)", PROVIDER));
                    String format = IMAGE_FORMATS.get(data.mediaType());
                    if (format == null) {
                        throw ProviderFailures.unsupported("image type '" + data.mediaType() + "'", PROVIDER);
                    }
                    ObjectNode image = blocks.addObject().putObject("image").put("format", format);
                    image.putObject("source").put("bytes", data.base64Data());
                }
                default -> throw ProviderFailures.unsupported("messages[].content[].type '" + type + "'", PROVIDER);
            }
        }
    }

    private static void toolConfig(JsonNode body, ObjectNode out) {
        JsonNode tools = body.path("tools");
        JsonNode choice = body.get("tool_choice");
        if (!tools.isArray() || tools.isEmpty()) {
            return;
        }
        ObjectNode config = out.putObject("toolConfig");
        ArrayNode array = config.putArray("tools");
        for (JsonNode tool : tools) {
            if (!"function".equals(tool.path("type").asText("function"))) {
                throw ProviderFailures.unsupported("tools[].type '" + tool.path("type").asText() + "'", PROVIDER);
            }
            JsonNode function = tool.path("function");
            ObjectNode spec = array.addObject().putObject("toolSpec").put("name", function.path("name").asText());
            if (function.hasNonNull("description")) {
                spec.put("description", function.get("description").asText());
            }
            JsonNode parameters = function.get("parameters");
            ObjectNode schema = spec.putObject("inputSchema");
            if (parameters != null && parameters.isObject()) {
                schema.set("json", parameters);
            } else {
                schema.putObject("json").put("type", "object");
            }
        }
        if (choice == null || choice.isNull()) {
            return;
        }
        ObjectNode c = config.putObject("toolChoice");
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "auto" -> c.putObject("auto");
                case "required" -> c.putObject("any");
                default -> throw ProviderFailures.unsupported("tool_choice '" + choice.asText() + "'", PROVIDER);
            }
        } else {
            c.putObject("tool").put("name", choice.path("function").path("name").asText());
        }
    }

    static ObjectNode response(ObjectMapper mapper, JsonNode response, String id, String model, long created) {
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode block : response.path("output").path("message").path("content")) {
            if (block.has("text")) {
                text.append(block.get("text").asText());
            } else if (block.has("toolUse")) {
                JsonNode use = block.get("toolUse");
                calls.add(new ToolCall(use.path("toolUseId").asText(), use.path("name").asText(),
                        use.path("input").isMissingNode() ? "{}" : use.get("input").toString()));
            }
        }
        ChatChoice choice = new ChatChoice(0, text.isEmpty() && !calls.isEmpty() ? null : text.toString(), calls,
                finishReason(response.path("stopReason").asText(null)));
        return OpenAiShape.chatCompletion(mapper, id, created, model, List.of(choice), usage(response));
    }

    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return "stop";
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "guardrail_intervened", "content_filtered" -> "content_filter";
            default -> "stop";
        };
    }

    /** Like Anthropic's, Bedrock's inputTokens leaves out the cached part of the prompt. */
    static Usage usage(JsonNode response) {
        JsonNode u = response.path("usage");
        long cacheRead = u.path("cacheReadInputTokens").asLong(0);
        long cacheWrite = u.path("cacheWriteInputTokens").asLong(0);
        return new Usage(u.path("inputTokens").asLong(0) + cacheRead + cacheWrite, u.path("outputTokens").asLong(0), cacheRead);
    }

    /** The embedding model families Bedrock's InvokeModel serves, each with its own body. */
    enum EmbeddingFamily { TITAN, COHERE }

    static EmbeddingFamily embeddingFamily(String modelId) {
        String id = modelId.contains("/") ? modelId.substring(modelId.lastIndexOf('/') + 1) : modelId;
        id = id.replaceFirst("^(us|eu|apac|global)\\.", ""); // cross-region inference profiles
        if (id.startsWith("amazon.titan-embed")) {
            return EmbeddingFamily.TITAN;
        }
        if (id.startsWith("cohere.embed")) {
            return EmbeddingFamily.COHERE;
        }
        throw ProviderFailures.unsupported("embeddings with model '" + modelId + "' (Titan and Cohere embed only)", PROVIDER);
    }

    /** Titan embeds one text per call: one body per input. */
    static ObjectNode titan(ObjectMapper mapper, String text, JsonNode body) {
        ObjectNode out = mapper.createObjectNode().put("inputText", text);
        if (body.hasNonNull("dimensions")) {
            out.put("dimensions", body.get("dimensions").asInt());
        }
        return out;
    }

    static ObjectNode cohere(ObjectMapper mapper, List<String> texts, JsonNode body) {
        if (body.hasNonNull("dimensions")) {
            throw ProviderFailures.unsupported("dimensions with Cohere embed", PROVIDER);
        }
        ObjectNode out = mapper.createObjectNode();
        ArrayNode array = out.putArray("texts");
        texts.forEach(array::add);
        out.put("input_type", "search_document");
        return out;
    }
}
