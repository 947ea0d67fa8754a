package dev.railyard.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.api.http.ApiException;
import java.util.Set;

/**
 * An Anthropic Messages request ({@code params} of a Message Batch request) as the OpenAI chat request every Railyard
 * job carries: the reverse of provider-workers' {@code AnthropicWire.request}, so a job routed to Anthropic is sent as it
 * was written (system, tool use and results, images, stop sequences, thinking). Written here rather than shared because
 * api-ingest does not depend on provider-workers and the two directions have little code in common.
 */
final class MessagesRequest {
    /** Parameters that pass through unchanged or are translated below; any other is refused rather than dropped. */
    private static final Set<String> KNOWN = Set.of("model", "max_tokens", "messages", "system", "temperature", "top_p",
            "top_k", "stop_sequences", "metadata", "tools", "tool_choice", "thinking", "stream", "service_tier");

    private MessagesRequest() {
    }

    /**
     * @param at the field path of {@code params}, for errors, e.g. {@code requests[3].params}
     * @throws ApiException for a request the OpenAI shape cannot carry or Anthropic would refuse
     */
    static ObjectNode toOpenAi(ObjectMapper mapper, JsonNode params, String at) {
        if (params == null || !params.isObject()) {
            throw invalid(at, "params must be an object");
        }
        params.fieldNames().forEachRemaining(name -> {
            if (!KNOWN.contains(name)) {
                throw invalid(at + "." + name, name + ": unsupported parameter");
            }
        });
        ObjectNode out = mapper.createObjectNode();
        if (!params.path("model").isTextual() || params.get("model").asText().isEmpty()) {
            throw invalid(at + ".model", "model: field required");
        }
        out.put("model", params.get("model").asText());
        JsonNode maxTokens = params.get("max_tokens");
        if (maxTokens == null || !maxTokens.canConvertToInt() || maxTokens.asInt() < 1) {
            throw invalid(at + ".max_tokens", "max_tokens: field required, a positive integer");
        }
        out.put("max_tokens", maxTokens.asInt());
        if (params.path("stream").asBoolean(false)) {
            throw invalid(at + ".stream", "stream: a batch request cannot stream");
        }
        ArrayNode messages = out.putArray("messages");
        String system = system(params.get("system"), at + ".system");
        if (system != null) {
            messages.addObject().put("role", "system").put("content", system);
        }
        JsonNode turns = params.get("messages");
        if (turns == null || !turns.isArray() || turns.isEmpty()) {
            throw invalid(at + ".messages", "messages: at least one message is required");
        }
        for (int i = 0; i < turns.size(); i++) {
            turn(mapper, turns.get(i), messages, at + ".messages." + i);
        }
        for (String number : new String[] {"temperature", "top_p", "top_k"}) {
            if (params.hasNonNull(number)) {
                out.set(number, params.get(number));
            }
        }
        if (params.path("stop_sequences").isArray() && !params.get("stop_sequences").isEmpty()) {
            out.set("stop", params.get("stop_sequences"));
        }
        if (params.path("metadata").hasNonNull("user_id")) {
            out.put("user", params.get("metadata").get("user_id").asText());
        }
        thinking(params.get("thinking"), out, at + ".thinking");
        tools(params, out, at);
        return out;
    }

    private static String system(JsonNode system, String at) {
        if (system == null || system.isNull()) {
            return null;
        }
        if (system.isTextual()) {
            return system.asText();
        }
        if (!system.isArray()) {
            throw invalid(at, "system: a string or an array of text blocks");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : system) {
            if (!"text".equals(block.path("type").asText())) {
                throw invalid(at, "system: only text blocks are supported");
            }
            text.append(text.isEmpty() ? "" : "\n\n").append(block.path("text").asText());
        }
        return text.toString();
    }

    /** One Anthropic turn; a user turn's tool results become OpenAI tool messages, ahead of its other content. */
    private static void turn(ObjectMapper mapper, JsonNode turn, ArrayNode out, String at) {
        String role = turn.path("role").asText();
        JsonNode content = turn.get("content");
        if (!"user".equals(role) && !"assistant".equals(role)) {
            throw invalid(at + ".role", "role: must be user or assistant, got '" + role + "'");
        }
        if (content == null || content.isTextual()) {
            out.addObject().put("role", role).put("content", content == null ? "" : content.asText());
            return;
        }
        if (!content.isArray()) {
            throw invalid(at + ".content", "content: a string or an array of content blocks");
        }
        if ("assistant".equals(role)) {
            assistant(mapper, content, out.addObject().put("role", "assistant"), at);
            return;
        }
        ArrayNode parts = mapper.createArrayNode();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String type = block.path("type").asText();
            switch (type) {
                case "text" -> parts.addObject().put("type", "text").put("text", block.path("text").asText());
                case "image" -> parts.addObject().put("type", "image_url").putObject("image_url").put("url", imageUrl(block, at + ".content." + i));
                case "tool_result" -> out.addObject().put("role", "tool")
                        .put("tool_call_id", block.path("tool_use_id").asText())
                        .put("content", toolResultText(block.get("content"), at + ".content." + i));
                default -> throw invalid(at + ".content." + i + ".type", "content block type '" + type + "' is not supported");
            }
        }
        if (!parts.isEmpty()) {
            out.addObject().put("role", "user").set("content", parts);
        }
    }

    private static void assistant(ObjectMapper mapper, JsonNode content, ObjectNode message, String at) {
        StringBuilder text = new StringBuilder();
        ArrayNode calls = mapper.createArrayNode();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> {
                    ObjectNode call = calls.addObject().put("id", block.path("id").asText()).put("type", "function");
                    JsonNode input = block.get("input");
                    call.putObject("function").put("name", block.path("name").asText())
                            .put("arguments", input == null || input.isNull() ? "{}" : input.toString());
                }
                // The OpenAI shape has no place for earlier reasoning; Anthropic does not need it back outside tool loops.
                case "thinking", "redacted_thinking" -> { }
                default -> throw invalid(at + ".content." + i + ".type",
                        "content block type '" + block.path("type").asText() + "' is not supported");
            }
        }
        if (text.isEmpty() && !calls.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            message.set("tool_calls", calls);
        }
    }

    private static String imageUrl(JsonNode block, String at) {
        JsonNode source = block.path("source");
        return switch (source.path("type").asText()) {
            case "base64" -> "data:" + source.path("media_type").asText() + ";base64," + source.path("data").asText();
            case "url" -> source.path("url").asText();
            default -> throw invalid(at + ".source", "image source type '" + source.path("type").asText() + "' is not supported");
        };
    }

    private static String toolResultText(JsonNode content, String at) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : content) {
            if (!"text".equals(block.path("type").asText())) {
                throw invalid(at + ".content", "tool_result content: only text blocks are supported");
            }
            text.append(block.path("text").asText());
        }
        return text.toString();
    }

    /** The reverse of AnthropicWire's budgets (low 1024, medium 4096, high 16384): the nearest effort at or above. */
    static void thinking(JsonNode thinking, ObjectNode out, String at) {
        if (thinking == null || thinking.isNull() || "disabled".equals(thinking.path("type").asText())) {
            return;
        }
        if (!"enabled".equals(thinking.path("type").asText())) {
            throw invalid(at + ".type", "thinking.type must be enabled or disabled");
        }
        int budget = thinking.path("budget_tokens").asInt(0);
        out.put("reasoning_effort", budget <= 1024 ? "low" : budget <= 4096 ? "medium" : "high");
    }

    private static void tools(JsonNode params, ObjectNode out, String at) {
        JsonNode tools = params.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode array = out.putArray("tools");
            for (int i = 0; i < tools.size(); i++) {
                JsonNode tool = tools.get(i);
                String type = tool.path("type").asText("custom");
                if (!"custom".equals(type)) {
                    throw invalid(at + ".tools." + i + ".type", "tool type '" + type + "' is not supported; only client tools are");
                }
                ObjectNode function = array.addObject().put("type", "function").putObject("function")
                        .put("name", tool.path("name").asText());
                if (tool.hasNonNull("description")) {
                    function.put("description", tool.get("description").asText());
                }
                if (tool.path("input_schema").isObject()) {
                    function.set("parameters", tool.get("input_schema"));
                }
            }
        }
        JsonNode choice = params.get("tool_choice");
        if (choice == null || choice.isNull()) {
            return;
        }
        String type = choice.path("type").asText();
        switch (type) {
            case "auto" -> out.put("tool_choice", "auto");
            case "any" -> out.put("tool_choice", "required");
            case "none" -> out.put("tool_choice", "none");
            case "tool" -> out.putObject("tool_choice").put("type", "function").putObject("function")
                    .put("name", choice.path("name").asText());
            default -> throw invalid(at + ".tool_choice.type", "tool_choice.type '" + type + "' is not supported");
        }
        if (choice.path("disable_parallel_tool_use").asBoolean(false)) {
            out.put("parallel_tool_calls", false);
        }
    }

    private static ApiException invalid(String param, String message) {
        return ApiException.invalid("invalid_request_error", param, param + ": " + message.substring(message.indexOf(':') + 1).trim());
    }
}
