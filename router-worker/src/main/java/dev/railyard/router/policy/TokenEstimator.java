package dev.railyard.router.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.railyard.config.ModelSpec;
import dev.railyard.schema.event.Endpoint;
import java.util.Locale;

/**
 * Estimates the tokens of a request before it is sent, with the o200k_base encoding of the GPT-4o
 * family (and characters, for the families whose tokenizers we lack). Only text is counted (message
 * contents, embedding inputs; not images or audio): an estimate for routing and budgets, not a bill. Thread-safe; build one and share it (loading the encoding takes a while).
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

    /** Tokens of the prompt in o200k_base: every message's text content, or every embedding input. */
    public int promptTokens(Endpoint endpoint, JsonNode body) {
        return measure(endpoint, body).tokens(true);
    }

    /** The prompt's o200k_base tokens and its characters (for families whose tokenizer we lack). */
    public PromptSize measure(Endpoint endpoint, JsonNode body) {
        if (body == null) {
            return new PromptSize(PromptSize.Text.EMPTY, PromptSize.Text.EMPTY);
        }
        return switch (endpoint) {
            case CHAT_COMPLETIONS -> {
                PromptSize.Text all = messages(body.path("messages"));
                yield new PromptSize(all, all);
            }
            case EMBEDDINGS -> inputs(body.path("input"));
        };
    }

    /**
     * Whether a model counts tokens with OpenAI's tokenizer: OpenAI's own catalog entries and the
     * GPT, o-series and OpenAI embedding names (also when served by Azure or a gateway).
     */
    public static boolean openAiTokenizer(ModelSpec model) {
        String name = model.name().toLowerCase(Locale.ROOT);
        return "openai".equalsIgnoreCase(model.ownedBy()) || name.startsWith("gpt-") || name.startsWith("chatgpt")
                || name.startsWith("text-embedding-") || name.matches("o[1-9](-.*)?");
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

    private PromptSize.Text text(String text) {
        return new PromptSize.Text(count(text), text.length(), 0);
    }

    private PromptSize.Text messages(JsonNode messages) {
        PromptSize.Text total = PromptSize.Text.EMPTY;
        for (JsonNode message : messages) {
            JsonNode content = message.path("content");
            if (content.isTextual()) {
                total = total.plus(text(content.asText()));
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    if (part.path("text").isTextual()) {
                        total = total.plus(text(part.path("text").asText()));
                    }
                }
            }
        }
        return total;
    }

    /** An embedding input is a string, an array of strings, an array of token ids, or an array of those. */
    private PromptSize inputs(JsonNode input) {
        if (input.isTextual()) {
            PromptSize.Text one = text(input.asText());
            return new PromptSize(one, one);
        }
        if (!input.isArray()) {
            return new PromptSize(PromptSize.Text.EMPTY, PromptSize.Text.EMPTY);
        }
        if (!input.isEmpty() && input.get(0).isIntegralNumber()) {
            PromptSize.Text ids = new PromptSize.Text(input.size(), 0, input.size()); // one input of token ids
            return new PromptSize(ids, ids);
        }
        PromptSize.Text total = PromptSize.Text.EMPTY;
        PromptSize.Text largest = PromptSize.Text.EMPTY;
        for (JsonNode item : input) {
            PromptSize.Text one = item.isTextual() ? text(item.asText())
                    : item.isArray() ? new PromptSize.Text(item.size(), 0, item.size()) : PromptSize.Text.EMPTY;
            total = total.plus(one);
            largest = largest.atLeast(one);
        }
        return new PromptSize(total, largest);
    }
}
