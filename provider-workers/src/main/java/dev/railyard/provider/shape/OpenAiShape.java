package dev.railyard.provider.shape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.provider.http.ProviderFailures;
import dev.railyard.schema.event.Usage;
import java.io.IOException;
import java.util.List;

/**
 * OpenAI's request and response shapes, the lingua franca of jobs: reading the parts of a chat
 * request every adapter needs, and writing chat completions and embedding lists from what another
 * provider answered.
 */
public final class OpenAiShape {
    private OpenAiShape() {
    }

    /**
     * The text of a message's {@code content}: a string, or an array of text parts. Any other part
     * (an image in a system message, say) has no place here.
     */
    public static String text(JsonNode content, String role, String provider) {
        if (content == null || content.isNull() || content.isMissingNode()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            if (!"text".equals(type) && !"refusal".equals(type)) {
                throw ProviderFailures.unsupported("messages[].content[].type '" + type + "' in a " + role + " message", provider);
            }
            text.append(part.path(type).asText());
        }
        return text.toString();
    }

    /** A tool call's {@code arguments} string as the JSON object it encodes. */
    public static JsonNode arguments(ObjectMapper mapper, JsonNode toolCall) {
        String arguments = toolCall.path("function").path("arguments").asText("");
        if (arguments.isBlank()) {
            return mapper.createObjectNode();
        }
        try {
            JsonNode parsed = mapper.readTree(arguments);
            if (parsed != null && parsed.isObject()) {
                return parsed;
            }
        } catch (IOException e) {
            // reported below
        }
        throw ProviderFailures.invalid("tool call " + toolCall.path("id").asText() + " has arguments that are not a JSON object");
    }

    /** The requested output limit: {@code max_completion_tokens}, else the older {@code max_tokens}, else null. */
    public static Integer maxTokens(JsonNode body) {
        JsonNode v = body.get("max_completion_tokens");
        if (v == null || v.isNull()) {
            v = body.get("max_tokens");
        }
        return v == null || v.isNull() ? null : v.asInt();
    }

    /** {@code stop} as a list: OpenAI accepts one string or an array. */
    public static List<String> stop(JsonNode body) {
        JsonNode stop = body.get("stop");
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        return java.util.stream.StreamSupport.stream(stop.spliterator(), false).map(JsonNode::asText).toList();
    }

    /** A {@code chat.completion} object, as OpenAI returns it. */
    public static ObjectNode chatCompletion(ObjectMapper mapper, String id, long created, String model,
                                            List<ChatChoice> choices, Usage usage) {
        ObjectNode root = mapper.createObjectNode();
        root.put("id", id).put("object", "chat.completion").put("created", created).put("model", model);
        ArrayNode array = root.putArray("choices");
        for (ChatChoice choice : choices) {
            ObjectNode c = array.addObject();
            c.put("index", choice.index());
            ObjectNode message = c.putObject("message");
            message.put("role", "assistant");
            message.put("content", choice.content());
            message.putNull("refusal");
            if (!choice.toolCalls().isEmpty()) {
                ArrayNode calls = message.putArray("tool_calls");
                for (ToolCall call : choice.toolCalls()) {
                    ObjectNode tc = calls.addObject().put("id", call.id()).put("type", "function");
                    tc.putObject("function").put("name", call.name()).put("arguments", call.arguments());
                }
            }
            c.putNull("logprobs");
            c.put("finish_reason", choice.finishReason());
        }
        ObjectNode u = root.putObject("usage");
        u.put("prompt_tokens", usage.promptTokens())
                .put("completion_tokens", usage.completionTokens())
                .put("total_tokens", usage.totalTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedPromptTokens());
        return root;
    }

    /** An embeddings {@code list} object, as OpenAI returns it; vectors in input order. */
    public static ObjectNode embeddings(ObjectMapper mapper, String model, List<JsonNode> vectors, long promptTokens) {
        ObjectNode root = mapper.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (int i = 0; i < vectors.size(); i++) {
            ObjectNode e = data.addObject();
            e.put("object", "embedding").put("index", i);
            e.set("embedding", vectors.get(i));
        }
        root.put("model", model);
        root.putObject("usage").put("prompt_tokens", promptTokens).put("total_tokens", promptTokens);
        return root;
    }

    /** An embeddings request's {@code input} as strings; token-id arrays have no equivalent elsewhere. */
    public static List<String> embeddingInputs(JsonNode body, String provider) {
        JsonNode input = body.path("input");
        if (input.isTextual()) {
            return List.of(input.asText());
        }
        if (!input.isArray() || input.isEmpty()) {
            throw ProviderFailures.invalid("input must be a string or a non-empty array of strings");
        }
        java.util.ArrayList<String> texts = new java.util.ArrayList<>();
        for (JsonNode item : input) {
            if (!item.isTextual()) {
                throw ProviderFailures.unsupported("input as token ids", provider);
            }
            texts.add(item.asText());
        }
        return texts;
    }
}
