package dev.railyard.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An OpenAI chat completion (what every succeeded job stores) as an Anthropic Message: the reverse of provider-workers'
 * {@code AnthropicWire.response}. Fields Anthropic always sends are present, null when Railyard cannot know them.
 */
final class AnthropicMessage {
    private AnthropicMessage() {
    }

    /** @param requestedModel the model the request named, used when the completion has none */
    static ObjectNode of(ObjectMapper mapper, JsonNode completion, String requestedModel) {
        ObjectNode out = mapper.createObjectNode();
        String id = completion.path("id").asText("");
        out.put("id", id.startsWith("msg_") ? id : "msg_" + id.replace("chatcmpl-", ""));
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", completion.path("model").asText(requestedModel));
        JsonNode choice = completion.path("choices").path(0);
        JsonNode message = choice.path("message");
        ArrayNode content = out.putArray("content");
        String text = message.path("content").isTextual() ? message.get("content").asText() : "";
        if (!text.isEmpty() || !message.path("tool_calls").isArray() || message.get("tool_calls").isEmpty()) {
            content.addObject().put("type", "text").put("text", text).putNull("citations");
        }
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode use = content.addObject().put("type", "tool_use").put("id", call.path("id").asText())
                    .put("name", call.path("function").path("name").asText());
            use.set("input", arguments(mapper, call.path("function").path("arguments").asText("{}")));
            use.putObject("caller").put("type", "direct");
        }
        out.put("stop_reason", stopReason(choice.path("finish_reason").asText(null)));
        out.putNull("stop_sequence");
        usage(completion.path("usage"), out.putObject("usage"));
        return out;
    }

    static String stopReason(String finishReason) {
        if (finishReason == null) {
            return "end_turn";
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn"; // stop: OpenAI's shape does not tell a stop sequence from the end of the turn
        };
    }

    /** OpenAI's prompt_tokens include the cached part of the prompt; Anthropic's input_tokens do not. */
    private static void usage(JsonNode usage, ObjectNode out) {
        long cached = usage.path("prompt_tokens_details").path("cached_tokens").asLong(0);
        out.put("input_tokens", Math.max(0, usage.path("prompt_tokens").asLong(0) - cached));
        out.put("output_tokens", usage.path("completion_tokens").asLong(0));
        out.putNull("cache_creation_input_tokens");
        out.put("cache_read_input_tokens", cached);
        out.putNull("server_tool_use");
        out.putNull("service_tier");
    }

    private static JsonNode arguments(ObjectMapper mapper, String json) {
        try {
            JsonNode node = mapper.readTree(json);
            return node != null && node.isObject() ? node : mapper.createObjectNode();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // A model's malformed arguments: Anthropic's input must be an object, so the text is kept under one key.
            return mapper.createObjectNode().put("_raw_arguments", json);
        }
    }
}
