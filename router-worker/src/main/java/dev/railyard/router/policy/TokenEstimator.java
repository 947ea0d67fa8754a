package dev.railyard.router.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.railyard.schema.event.Endpoint;

/**
 * Estimates the tokens of a request before it is sent, with the o200k_base encoding of the GPT-4o
 * family. Only text is counted (message contents, embedding inputs): an estimate for routing and
 * budgets, not a bill. Thread-safe; build one and share it (loading the encoding takes a while).
 */
public final class TokenEstimator {
    /** Output assumed for a chat request that sets no limit (the model's own limit would make every estimate huge). */
    public static final int DEFAULT_CHAT_OUTPUT_TOKENS = 1024;

    private final Encoding encoding;

    public TokenEstimator() {
        this.encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    }

    public int count(String text) {
        // Ordinary: text such as "<|endoftext|>" in a prompt is counted as text rather than rejected.
        return text == null || text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
    }

    /** Tokens of the prompt: every message's text content, or every embedding input. */
    public int promptTokens(Endpoint endpoint, JsonNode body) {
        if (body == null) {
            return 0;
        }
        return switch (endpoint) {
            case CHAT_COMPLETIONS -> messageTokens(body.path("messages"));
            case EMBEDDINGS -> inputTokens(body.path("input"));
        };
    }

    /** The most output the request may produce: its limit (times {@code n} choices), or the default for chat. */
    public static long maxOutputTokens(Endpoint endpoint, JsonNode body) {
        if (endpoint == Endpoint.EMBEDDINGS || body == null) {
            return 0;
        }
        JsonNode limit = body.path("max_completion_tokens");
        if (!limit.canConvertToInt() || !limit.isIntegralNumber()) {
            limit = body.path("max_tokens");
        }
        int perChoice = limit.canConvertToInt() && limit.isIntegralNumber() ? limit.asInt() : DEFAULT_CHAT_OUTPUT_TOKENS;
        JsonNode n = body.path("n");
        int choices = n.canConvertToInt() && n.isIntegralNumber() && n.asInt() > 1 ? n.asInt() : 1;
        return (long) perChoice * choices;
    }

    private int messageTokens(JsonNode messages) {
        int total = 0;
        for (JsonNode message : messages) {
            JsonNode content = message.path("content");
            if (content.isTextual()) {
                total += count(content.asText());
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    if (part.path("text").isTextual()) {
                        total += count(part.path("text").asText());
                    }
                }
            }
        }
        return total;
    }

    /** An embedding input is a string, an array of strings, an array of token ids, or an array of those. */
    private int inputTokens(JsonNode input) {
        if (input.isTextual()) {
            return count(input.asText());
        }
        if (!input.isArray()) {
            return 0;
        }
        int total = 0;
        for (JsonNode item : input) {
            if (item.isTextual()) {
                total += count(item.asText());
            } else if (item.isIntegralNumber()) {
                total += 1;
            } else if (item.isArray()) {
                total += item.size();
            }
        }
        return total;
    }
}
