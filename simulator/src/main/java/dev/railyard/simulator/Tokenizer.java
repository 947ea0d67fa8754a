package dev.railyard.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts tokens the way OpenAI bills them. The registry loads vocabularies of several megabytes, so
 * one instance is made per simulator and shared; encodings are thread-safe.
 */
public final class Tokenizer {
    /** OpenAI's chat format: every message costs 3 tokens of framing, a name 1 more, the reply 3. */
    static final int TOKENS_PER_MESSAGE = 3;
    static final int TOKENS_PER_NAME = 1;
    static final int REPLY_PRIMING = 3;
    /** A low-detail image costs 85 tokens; the simulator does not look at images. */
    public static final int TOKENS_PER_IMAGE = 85;

    private final Encoding o200k;
    private final Encoding cl100k;
    private final Map<String, int[]> o200kChunks = new ConcurrentHashMap<>();
    private final Map<String, int[]> cl100kChunks = new ConcurrentHashMap<>();

    public Tokenizer() {
        // Lazy: only the two vocabularies used are loaded, not every one jtokkit ships.
        EncodingRegistry registry = Encodings.newLazyEncodingRegistry();
        this.o200k = registry.getEncoding(EncodingType.O200K_BASE);
        this.cl100k = registry.getEncoding(EncodingType.CL100K_BASE);
    }

    /** o200k_base for the GPT-4o generation and later, cl100k_base for GPT-4, GPT-3.5 and embeddings. */
    public Encoding encodingFor(String model) {
        if (model.startsWith("gpt-4o") || model.startsWith("gpt-4.1") || model.startsWith("gpt-4.5")
                || model.startsWith("gpt-5") || model.startsWith("chatgpt-4o") || model.matches("o\\d.*")) {
            return o200k;
        }
        return cl100k;
    }

    public Encoding embeddings() {
        return cl100k;
    }

    public int count(Encoding encoding, String text) {
        return text == null || text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
    }

    /** Prompt tokens of a chat request's messages, framing included. */
    public int chatPrompt(Encoding encoding, JsonNode messages) {
        int tokens = REPLY_PRIMING;
        for (JsonNode message : messages) {
            tokens += TOKENS_PER_MESSAGE;
            tokens += count(encoding, message.path("role").asText(""));
            tokens += content(encoding, message.path("content"));
            if (message.hasNonNull("name")) {
                tokens += TOKENS_PER_NAME + count(encoding, message.path("name").asText());
            }
            if (message.has("tool_calls")) {
                tokens += count(encoding, message.get("tool_calls").toString());
            }
        }
        return tokens;
    }

    private int content(Encoding encoding, JsonNode content) {
        if (content.isTextual()) {
            return count(encoding, content.asText());
        }
        int tokens = 0;
        for (JsonNode part : content) {
            if (part.has("text")) {
                tokens += count(encoding, part.path("text").asText());
            } else if (part.has("image_url")) {
                tokens += TOKENS_PER_IMAGE;
            }
        }
        return tokens;
    }

    /**
     * A generated answer from its pre-tokenizer pieces, cut to at most {@code maxTokens} tokens (null: no
     * limit). Pieces are encoded once and cached: the word list is fixed, and encoding every answer
     * anew would cost more than the rest of a request.
     */
    public Completion completion(Encoding encoding, List<String> chunks, Integer maxTokens) {
        Map<String, int[]> cache = encoding == o200k ? o200kChunks : cl100kChunks;
        int total = 0;
        for (String chunk : chunks) {
            total += cache.computeIfAbsent(chunk, c -> encoding.encodeOrdinary(c).toArray()).length;
        }
        if (maxTokens == null || total <= maxTokens) {
            return new Completion(String.join("", chunks), total, false);
        }
        IntArrayList prefix = new IntArrayList(maxTokens);
        for (String chunk : chunks) {
            for (int token : cache.get(chunk)) {
                if (prefix.size() == maxTokens) {
                    return new Completion(encoding.decode(prefix), maxTokens, true);
                }
                prefix.add(token);
            }
        }
        return new Completion(encoding.decode(prefix), prefix.size(), true);
    }

    public record Completion(String text, int tokens, boolean truncated) {
    }
}
