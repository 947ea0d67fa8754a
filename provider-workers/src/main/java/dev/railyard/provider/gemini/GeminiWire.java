package dev.railyard.provider.gemini;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI chat and embeddings requests to Gemini's {@code generateContent}, {@code embedContent} and
 * {@code batchEmbedContents} and back (https://ai.google.dev/api/generate-content).
 */
final class GeminiWire {
    static final String PROVIDER = "gemini";
    private static final Map<String, Integer> THINKING_BUDGET = Map.of("minimal", 0, "low", 1024, "medium", 8192, "high", 24576);
    private static final Set<String> FILTERED = Set.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII",
            "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION");

    private GeminiWire() {
    }

    static ObjectNode request(ObjectMapper mapper, JsonNode body) {
        ObjectNode out = mapper.createObjectNode();
        String system = contents(mapper, body.path("messages"), out.putArray("contents"));
        if (!system.isEmpty()) {
            out.putObject("systemInstruction").putArray("parts").addObject().put("text", system);
        }
        tools(body, out);
        ObjectNode config = generationConfig(mapper, body);
        if (!config.isEmpty()) {
            out.set("generationConfig", config);
        }
        return out;
    }

    /** Writes the turns; returns the system instruction. Gemini's roles are user and model. */
    private static String contents(ObjectMapper mapper, JsonNode messages, ArrayNode out) {
        StringBuilder system = new StringBuilder();
        Map<String, String> toolNames = new HashMap<>();
        String lastRole = null;
        ArrayNode parts = null;
        for (JsonNode message : messages) {
            String role = message.path("role").asText();
            if ("system".equals(role) || "developer".equals(role)) {
                if (!system.isEmpty()) {
                    system.append("\n\n");
                }
                system.append(OpenAiShape.text(message.get("content"), role, PROVIDER));
                continue;
            }
            String geminiRole = switch (role) {
                case "user", "tool" -> "user";
                case "assistant" -> "model";
                default -> throw ProviderFailures.unsupported("messages[].role '" + role + "'", PROVIDER);
            };
            // Responses to parallel calls must share one turn, as the calls did.
            if (!geminiRole.equals(lastRole)) {
                parts = out.addObject().put("role", geminiRole).putArray("parts");
                lastRole = geminiRole;
            }
            switch (role) {
                case "user" -> userParts(message.get("content"), parts);
                case "assistant" -> modelParts(mapper, message, parts, toolNames);
                default -> {
                    String id = message.path("tool_call_id").asText();
                    String name = toolNames.get(id);
                    if (name == null) {
                        throw ProviderFailures.invalid("tool message answers tool_call_id '" + id + "', which no assistant message called");
                    }
                    ObjectNode response = parts.addObject().putObject("functionResponse").put("name", name);
                    response.putObject("response").put("output", OpenAiShape.text(message.get("content"), role, PROVIDER));
                }
            }
        }
        return system.toString();
    }

    private static void userParts(JsonNode content, ArrayNode parts) {
        if (content == null || content.isTextual()) {
            parts.addObject().put("text", content == null ? "" : content.asText());
            return;
        }
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            switch (type) {
                case "text" -> parts.addObject().put("text", part.path("text").asText());
                case "image_url" -> {
                    String url = part.path("image_url").path("url").asText();
                    DataUrl.parse(url).ifPresentOrElse(
                            data -> parts.addObject().putObject("inlineData").put("mimeType", data.mediaType()).put("data", data.base64Data()),
                            () -> parts.addObject().putObject("fileData").put("mimeType", imageType(url)).put("fileUri", url));
                }
                default -> throw ProviderFailures.unsupported("messages[].content[].type '" + type + "'", PROVIDER);
            }
        }
    }

    /** fileData needs a MIME type; an image URL's extension is the only hint OpenAI's shape gives. */
    static String imageType(String url) {
        String path = url.toLowerCase(Locale.ROOT).replaceAll("[?#].*$", "");
        if (path.endsWith(".png")) {
            return "image/png";
        } else if (path.endsWith(".webp")) {
            return "image/webp";
        } else if (path.endsWith(".gif")) {
            return "image/gif";
        } else if (path.endsWith(".heic")) {
            return "image/heic";
        }
        return "image/jpeg";
    }

    private static void modelParts(ObjectMapper mapper, JsonNode message, ArrayNode parts, Map<String, String> toolNames) {
        String text = OpenAiShape.text(message.get("content"), "assistant", PROVIDER);
        if (!text.isEmpty()) {
            parts.addObject().put("text", text);
        }
        for (JsonNode call : message.path("tool_calls")) {
            String name = call.path("function").path("name").asText();
            toolNames.put(call.path("id").asText(), name);
            ObjectNode fc = parts.addObject().putObject("functionCall").put("name", name);
            fc.set("args", OpenAiShape.arguments(mapper, call));
        }
    }

    private static void tools(JsonNode body, ObjectNode out) {
        JsonNode tools = body.path("tools");
        if (tools.isArray() && !tools.isEmpty()) {
            ArrayNode declarations = out.putArray("tools").addObject().putArray("functionDeclarations");
            for (JsonNode tool : tools) {
                if (!"function".equals(tool.path("type").asText("function"))) {
                    throw ProviderFailures.unsupported("tools[].type '" + tool.path("type").asText() + "'", PROVIDER);
                }
                JsonNode function = tool.path("function");
                ObjectNode d = declarations.addObject().put("name", function.path("name").asText());
                if (function.hasNonNull("description")) {
                    d.put("description", function.get("description").asText());
                }
                JsonNode parameters = function.get("parameters");
                if (parameters != null && parameters.isObject()) {
                    GeminiSchemas.convert(parameters).ifPresentOrElse(s -> d.set("parameters", s), () -> d.set("parametersJsonSchema", parameters));
                }
            }
        }
        JsonNode choice = body.get("tool_choice");
        if (choice == null || choice.isNull()) {
            return;
        }
        ObjectNode calling = out.putObject("toolConfig").putObject("functionCallingConfig");
        if (choice.isTextual()) {
            calling.put("mode", switch (choice.asText()) {
                case "auto" -> "AUTO";
                case "none" -> "NONE";
                case "required" -> "ANY";
                default -> throw ProviderFailures.unsupported("tool_choice '" + choice.asText() + "'", PROVIDER);
            });
        } else {
            calling.put("mode", "ANY").putArray("allowedFunctionNames").add(choice.path("function").path("name").asText());
        }
    }

    private static ObjectNode generationConfig(ObjectMapper mapper, JsonNode body) {
        ObjectNode config = mapper.createObjectNode();
        copy(body, "temperature", config, "temperature");
        copy(body, "top_p", config, "topP");
        copy(body, "top_k", config, "topK");
        copy(body, "seed", config, "seed");
        copy(body, "presence_penalty", config, "presencePenalty");
        copy(body, "frequency_penalty", config, "frequencyPenalty");
        Integer max = OpenAiShape.maxTokens(body);
        if (max != null) {
            config.put("maxOutputTokens", max);
        }
        List<String> stop = OpenAiShape.stop(body);
        if (!stop.isEmpty()) {
            ArrayNode sequences = config.putArray("stopSequences");
            stop.forEach(sequences::add);
        }
        if (body.path("n").asInt(1) != 1) {
            config.put("candidateCount", body.get("n").asInt());
        }
        if (body.path("logprobs").asBoolean(false)) {
            config.put("responseLogprobs", true);
            if (body.hasNonNull("top_logprobs")) {
                config.put("logprobs", body.get("top_logprobs").asInt());
            }
        }
        JsonNode format = body.path("response_format");
        switch (format.path("type").asText("text")) {
            case "json_object" -> config.put("responseMimeType", "application/json");
            case "json_schema" -> {
                config.put("responseMimeType", "application/json");
                JsonNode schema = format.path("json_schema").path("schema");
                if (schema.isObject()) {
                    GeminiSchemas.convert(schema).ifPresentOrElse(s -> config.set("responseSchema", s),
                            () -> config.set("responseJsonSchema", schema));
                }
            }
            default -> {
            }
        }
        if (body.hasNonNull("reasoning_effort")) {
            Integer budget = THINKING_BUDGET.get(body.get("reasoning_effort").asText());
            if (budget == null) {
                throw ProviderFailures.unsupported("reasoning_effort '" + body.get("reasoning_effort").asText() + "'", PROVIDER);
            }
            config.putObject("thinkingConfig").put("thinkingBudget", budget);
        }
        return config;
    }

    private static void copy(JsonNode from, String field, ObjectNode to, String as) {
        if (from.hasNonNull(field)) {
            to.set(as, from.get(field));
        }
    }

    /** Why a generateContent answer is a failure (the prompt itself was blocked), or null. */
    static String blockReason(JsonNode response) {
        JsonNode reason = response.path("promptFeedback").path("blockReason");
        return reason.isTextual() && !reason.asText().isEmpty() ? reason.asText() : null;
    }

    /** A generateContent answer as an OpenAI chat completion. */
    static ObjectNode response(ObjectMapper mapper, JsonNode response, String providerModel, String fallbackId, long created) {
        String id = response.path("responseId").asText(fallbackId);
        List<ChatChoice> choices = new ArrayList<>();
        int position = 0;
        for (JsonNode candidate : response.path("candidates")) {
            int index = candidate.path("index").asInt(position++);
            StringBuilder text = new StringBuilder();
            List<ToolCall> calls = new ArrayList<>();
            for (JsonNode part : candidate.path("content").path("parts")) {
                if (part.path("thought").asBoolean(false)) {
                    continue; // thought summaries are not the answer
                }
                if (part.has("text")) {
                    text.append(part.get("text").asText());
                } else if (part.has("functionCall")) {
                    JsonNode fc = part.get("functionCall");
                    String callId = fc.path("id").asText("call_" + id + "_" + index + "_" + calls.size());
                    calls.add(new ToolCall(callId, fc.path("name").asText(), fc.path("args").isObject() ? fc.get("args").toString() : "{}"));
                }
            }
            String finish = finishReason(candidate.path("finishReason").asText(null));
            if (!calls.isEmpty() && "stop".equals(finish)) {
                finish = "tool_calls";
            }
            choices.add(new ChatChoice(index, text.isEmpty() && !calls.isEmpty() ? null : text.toString(), calls, finish));
        }
        return OpenAiShape.chatCompletion(mapper, id, created, response.path("modelVersion").asText(providerModel), choices, usage(response));
    }

    static String finishReason(String reason) {
        if (reason == null) {
            return "stop";
        }
        if (FILTERED.contains(reason)) {
            return "content_filter";
        }
        return "MAX_TOKENS".equals(reason) ? "length" : "stop";
    }

    /** Gemini counts thinking apart from the answer; OpenAI bills both as completion tokens. */
    static Usage usage(JsonNode response) {
        JsonNode u = response.path("usageMetadata");
        return new Usage(u.path("promptTokenCount").asLong(0),
                u.path("candidatesTokenCount").asLong(0) + u.path("thoughtsTokenCount").asLong(0),
                u.path("cachedContentTokenCount").asLong(0));
    }

    /** One input: an embedContent body. */
    static ObjectNode embedRequest(ObjectMapper mapper, String text, JsonNode body) {
        ObjectNode out = mapper.createObjectNode();
        out.putObject("content").putArray("parts").addObject().put("text", text);
        if (body.hasNonNull("dimensions")) {
            out.put("outputDimensionality", body.get("dimensions").asInt());
        }
        return out;
    }

    /** Several inputs: a batchEmbedContents body; each request names the model again, as the API requires. */
    static ObjectNode batchEmbedRequest(ObjectMapper mapper, List<String> texts, JsonNode body, String providerModel) {
        ObjectNode out = mapper.createObjectNode();
        ArrayNode requests = out.putArray("requests");
        for (String text : texts) {
            ObjectNode r = embedRequest(mapper, text, body);
            requests.addObject().put("model", "models/" + providerModel).setAll(r);
        }
        return out;
    }

    /** The vectors of an embedContent ({@code embedding}) or batchEmbedContents ({@code embeddings}) answer. */
    static List<JsonNode> vectors(JsonNode response) {
        List<JsonNode> vectors = new ArrayList<>();
        if (response.path("embedding").isObject()) {
            vectors.add(response.path("embedding").path("values"));
        }
        response.path("embeddings").forEach(e -> vectors.add(e.path("values")));
        return vectors;
    }
}
