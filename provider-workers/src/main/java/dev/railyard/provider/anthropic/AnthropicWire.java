package dev.railyard.provider.anthropic;

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
import java.util.List;
import java.util.Map;

/**
 * OpenAI chat requests to Anthropic Messages requests and back
 * (https://docs.anthropic.com/en/api/messages).
 */
final class AnthropicWire {
    static final String PROVIDER = "anthropic";
    /** Anthropic requires {@code max_tokens}; OpenAI does not. Used when the job sets no limit. */
    static final int DEFAULT_MAX_TOKENS = 4096;
    /** Extended-thinking budgets for OpenAI's reasoning efforts. */
    private static final Map<String, Integer> THINKING_BUDGET = Map.of("minimal", 1024, "low", 1024, "medium", 4096, "high", 16384);

    private AnthropicWire() {
    }

    static ObjectNode request(ObjectMapper mapper, JsonNode body, String providerModel) {
        ObjectNode out = mapper.createObjectNode();
        out.put("model", providerModel);
        Integer maxTokens = OpenAiShape.maxTokens(body);
        Integer budget = null;
        if (body.hasNonNull("reasoning_effort")) {
            budget = THINKING_BUDGET.get(body.get("reasoning_effort").asText());
            if (budget == null) {
                throw ProviderFailures.unsupported("reasoning_effort '" + body.get("reasoning_effort").asText() + "'", PROVIDER);
            }
            if (maxTokens != null && maxTokens <= budget) {
                throw ProviderFailures.invalid("max_tokens (" + maxTokens + ") must exceed the thinking budget of reasoning_effort "
                        + body.get("reasoning_effort").asText() + " (" + budget + ") on anthropic");
            }
        }
        out.put("max_tokens", maxTokens != null ? maxTokens : DEFAULT_MAX_TOKENS + (budget == null ? 0 : budget));
        String system = messages(mapper, body.path("messages"), out.putArray("messages"));
        if (!system.isEmpty()) {
            out.put("system", system);
        }
        copyNumber(body, "temperature", out, "temperature");
        copyNumber(body, "top_p", out, "top_p");
        copyNumber(body, "top_k", out, "top_k");
        List<String> stop = OpenAiShape.stop(body);
        if (!stop.isEmpty()) {
            ArrayNode sequences = out.putArray("stop_sequences");
            stop.forEach(sequences::add);
        }
        if (body.hasNonNull("user")) {
            out.putObject("metadata").put("user_id", body.get("user").asText());
        }
        if (budget != null) {
            out.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
        }
        tools(body, out);
        return out;
    }

    private static void copyNumber(JsonNode from, String field, ObjectNode to, String as) {
        if (from.hasNonNull(field)) {
            to.set(as, from.get(field));
        }
    }

    /** Writes the conversation; returns the system prompt (system and developer messages, in order). */
    private static String messages(ObjectMapper mapper, JsonNode messages, ArrayNode out) {
        StringBuilder system = new StringBuilder();
        String lastRole = null;
        ArrayNode lastContent = null;
        for (JsonNode message : messages) {
            String role = message.path("role").asText();
            if ("system".equals(role) || "developer".equals(role)) {
                if (!system.isEmpty()) {
                    system.append("\n\n");
                }
                system.append(OpenAiShape.text(message.get("content"), role, PROVIDER));
                continue;
            }
            String anthropicRole = switch (role) {
                case "user", "tool" -> "user";
                case "assistant" -> "assistant";
                default -> throw ProviderFailures.unsupported("messages[].role '" + role + "'", PROVIDER);
            };
            // Tool results are user turns; consecutive ones (parallel calls) and the user text after
            // them share one turn, as Anthropic expects.
            if (!anthropicRole.equals(lastRole)) {
                ObjectNode turn = out.addObject().put("role", anthropicRole);
                lastContent = turn.putArray("content");
                lastRole = anthropicRole;
            }
            switch (role) {
                case "user" -> userContent(message.get("content"), lastContent);
                case "assistant" -> assistantContent(mapper, message, lastContent);
                default -> lastContent.addObject().put("type", "tool_result")
                        .put("tool_use_id", message.path("tool_call_id").asText())
                        .put("content", OpenAiShape.text(message.get("content"), role, PROVIDER));
            }
        }
        return system.toString();
    }

    private static void userContent(JsonNode content, ArrayNode blocks) {
        if (content == null || content.isTextual()) {
            blocks.addObject().put("type", "text").put("text", content == null ? "" : content.asText());
            return;
        }
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            switch (type) {
                case "text" -> blocks.addObject().put("type", "text").put("text", part.path("text").asText());
                case "image_url" -> image(part.path("image_url").path("url").asText(), blocks.addObject().put("type", "image"));
                default -> throw ProviderFailures.unsupported("messages[].content[].type '" + type + "'", PROVIDER);
            }
        }
    }

    private static void image(String url, ObjectNode block) {
        DataUrl.parse(url).ifPresentOrElse(
                data -> block.putObject("source").put("type", "base64").put("media_type", data.mediaType()).put("data", data.base64Data()),
                () -> block.putObject("source").put("type", "url").put("url", url));
    }

    private static void assistantContent(ObjectMapper mapper, JsonNode message, ArrayNode blocks) {
        String text = OpenAiShape.text(message.get("content"), "assistant", PROVIDER);
        if (!text.isEmpty()) {
            blocks.addObject().put("type", "text").put("text", text);
        }
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode use = blocks.addObject().put("type", "tool_use").put("id", call.path("id").asText())
                    .put("name", call.path("function").path("name").asText());
            use.set("input", OpenAiShape.arguments(mapper, call));
        }
    }

    private static void tools(JsonNode body, ObjectNode out) {
        JsonNode tools = body.path("tools");
        if (tools.isArray() && !tools.isEmpty()) {
            ArrayNode array = out.putArray("tools");
            for (JsonNode tool : tools) {
                if (!"function".equals(tool.path("type").asText("function"))) {
                    throw ProviderFailures.unsupported("tools[].type '" + tool.path("type").asText() + "'", PROVIDER);
                }
                JsonNode function = tool.path("function");
                ObjectNode t = array.addObject().put("name", function.path("name").asText());
                if (function.hasNonNull("description")) {
                    t.put("description", function.get("description").asText());
                }
                JsonNode parameters = function.get("parameters");
                if (parameters != null && parameters.isObject()) {
                    t.set("input_schema", parameters);
                } else {
                    t.putObject("input_schema").put("type", "object");
                }
            }
        }
        JsonNode choice = body.get("tool_choice");
        boolean serial = body.path("parallel_tool_calls").isBoolean() && !body.get("parallel_tool_calls").asBoolean();
        if ((choice == null || choice.isNull()) && !serial) {
            return;
        }
        ObjectNode c = out.putObject("tool_choice");
        if (choice == null || choice.isNull()) {
            c.put("type", "auto");
        } else if (choice.isTextual()) {
            c.put("type", switch (choice.asText()) {
                case "auto" -> "auto";
                case "none" -> "none";
                case "required" -> "any";
                default -> throw ProviderFailures.unsupported("tool_choice '" + choice.asText() + "'", PROVIDER);
            });
        } else {
            c.put("type", "tool").put("name", choice.path("function").path("name").asText());
        }
        if (serial && !"none".equals(c.path("type").asText())) {
            c.put("disable_parallel_tool_use", true);
        }
    }

    /** An Anthropic message as an OpenAI chat completion. */
    static ObjectNode response(ObjectMapper mapper, JsonNode message, long created) {
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode block : message.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> calls.add(new ToolCall(block.path("id").asText(), block.path("name").asText(),
                        block.path("input").isMissingNode() ? "{}" : block.get("input").toString()));
                default -> {
                    // thinking and redacted_thinking blocks: OpenAI's shape has no place for reasoning text
                }
            }
        }
        String content = text.isEmpty() && !calls.isEmpty() ? null : text.toString();
        ChatChoice choice = new ChatChoice(0, content, calls, finishReason(message.path("stop_reason").asText(null)));
        return OpenAiShape.chatCompletion(mapper, message.path("id").asText(), created, message.path("model").asText(),
                List.of(choice), usage(message));
    }

    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return "stop";
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence, pause_turn
        };
    }

    /** Anthropic's input_tokens excludes the cached parts of the prompt; OpenAI's prompt_tokens includes them. */
    static Usage usage(JsonNode message) {
        JsonNode u = message.path("usage");
        long cacheRead = u.path("cache_read_input_tokens").asLong(0);
        long cacheWrite = u.path("cache_creation_input_tokens").asLong(0);
        return new Usage(u.path("input_tokens").asLong(0) + cacheRead + cacheWrite, u.path("output_tokens").asLong(0), cacheRead);
    }
}
