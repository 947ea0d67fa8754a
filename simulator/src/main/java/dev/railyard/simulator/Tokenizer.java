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
import java.util.function.ToIntFunction;

/**
 * Counts tokens the way OpenAI bills them. The registry loads vocabularies of several megabytes, so
 * one instance is made per simulator and shared; encodings are thread-safe, and so are the caches here.
 */
public final class Tokenizer {
    /** OpenAI's chat format: every message costs 3 tokens of framing, a name 1 more, the reply 3. */
    static final int TOKENS_PER_MESSAGE = 3;
    static final int TOKENS_PER_NAME = 1;
    static final int REPLY_PRIMING = 3;
    /** A low-detail image costs 85 tokens; the simulator does not look at images. */
    public static final int TOKENS_PER_IMAGE = 85;
    /**
     * Texts this long or longer are looked up whole before they are split: a batch's jobs share their system
     * prompt and tools. A shorter text costs little more to split and count piece by piece than to look up,
     * and a unique one would only crowd the cache.
     */
    static final int WHOLE_TEXT_MIN_CHARS = 128;
    static final int WHOLE_TEXTS = 1_024;
    static final long WHOLE_TEXT_CHARS = 4L << 20;
    /** Distinct pre-tokenizer pieces (words, numbers, punctuation) whose counts are kept, per encoding. */
    static final int PIECES = 65_536;
    static final long PIECE_CHARS = 1L << 20;

    private final Encoding o200k;
    private final Encoding cl100k;
    private final Counter o200kCounter;
    private final Counter cl100kCounter;

    public Tokenizer() {
        // Lazy: only the two vocabularies used are loaded, not every one jtokkit ships.
        EncodingRegistry registry = Encodings.newLazyEncodingRegistry();
        this.o200k = registry.getEncoding(EncodingType.O200K_BASE);
        this.cl100k = registry.getEncoding(EncodingType.CL100K_BASE);
        this.o200kCounter = new Counter(o200k, true);
        // jtokkit splits cl100k_base text with a hand-written parser already; only whole texts are cached.
        this.cl100kCounter = new Counter(cl100k, false);
    }

    /** o200k_base for the GPT-4o generation and later, cl100k_base for GPT-4, GPT-3.5 and embeddings. */
    public Encoding encodingFor(String model) {
        if (model.startsWith("gpt-4o") || model.startsWith("gpt-4.1") || model.startsWith("gpt-4.5")
                || model.startsWith("gpt-5") || model.startsWith("chatgpt-4o") || oSeries(model)) {
            return o200k;
        }
        return cl100k;
    }

    /** Whether the model matches {@code o\d.*} (o1, o3-mini, o4-mini...), without a regex on every request. */
    private static boolean oSeries(String model) {
        if (model.length() < 2 || model.charAt(0) != 'o' || model.charAt(1) < '0' || model.charAt(1) > '9') {
            return false;
        }
        for (int i = 2; i < model.length(); i++) {
            char c = model.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return false; // what '.' does not match
            }
        }
        return true;
    }

    public Encoding embeddings() {
        return cl100k;
    }

    public int count(Encoding encoding, String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        Counter counter = counterOf(encoding);
        return counter != null ? counter.count(text) : encoding.countTokensOrdinary(text);
    }

    private Counter counterOf(Encoding encoding) {
        return encoding == o200k ? o200kCounter : encoding == cl100k ? cl100kCounter : null;
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
        Map<String, Chunk> cache = encoding == o200k ? o200kCounter.chunks : cl100kCounter.chunks;
        int total = 0;
        for (String chunk : chunks) {
            total += chunk(cache, encoding, chunk).tokens().length;
        }
        if (maxTokens == null || total <= maxTokens) {
            return new Completion(String.join("", chunks), total, false);
        }
        if (maxTokens < 0) {
            return new Completion(String.join("", chunks), total, true); // no token is ever "the last one allowed"
        }
        // Whole chunks up to the one the limit falls in, then that chunk's first tokens: as decoding the first
        // maxTokens tokens would give, since an ASCII chunk's tokens are runs of its characters.
        StringBuilder text = new StringBuilder();
        int kept = 0;
        for (String s : chunks) {
            Chunk chunk = cache.get(s);
            int take = Math.min(chunk.tokens().length, maxTokens - kept);
            if (take < chunk.tokens().length && chunk.ends() == null) {
                return new Completion(decodedPrefix(encoding, cache, chunks, maxTokens), maxTokens, true);
            }
            text.append(s, 0, take == chunk.tokens().length ? s.length() : take == 0 ? 0 : chunk.ends()[take - 1]);
            kept += take;
            if (kept == maxTokens) {
                break;
            }
        }
        return new Completion(text.toString(), maxTokens, true);
    }

    private static Chunk chunk(Map<String, Chunk> cache, Encoding encoding, String text) {
        Chunk known = cache.get(text);
        return known != null ? known : cache.computeIfAbsent(text, t -> Chunk.of(encoding, t));
    }

    /** The first {@code maxTokens} tokens decoded, for chunks beyond ASCII, whose tokens may split a character. */
    private static String decodedPrefix(Encoding encoding, Map<String, Chunk> cache, List<String> chunks, int maxTokens) {
        IntArrayList prefix = new IntArrayList(maxTokens);
        for (String chunk : chunks) {
            for (int token : cache.get(chunk).tokens()) {
                if (prefix.size() == maxTokens) {
                    return encoding.decode(prefix);
                }
                prefix.add(token);
            }
        }
        return encoding.decode(prefix);
    }

    public record Completion(String text, int tokens, boolean truncated) {
    }

    /**
     * A generated chunk's tokens, and for an ASCII chunk where each token ends among its characters (else null).
     */
    private record Chunk(int[] tokens, int[] ends) {
        static Chunk of(Encoding encoding, String text) {
            int[] tokens = encoding.encodeOrdinary(text).toArray();
            if (!text.chars().allMatch(c -> c < 0x80)) {
                return new Chunk(tokens, null);
            }
            int[] ends = new int[tokens.length];
            IntArrayList one = new IntArrayList(1);
            int end = 0;
            for (int i = 0; i < tokens.length; i++) {
                one.clear();
                one.add(tokens[i]);
                end += encoding.decodeBytes(one).length; // ASCII: one byte per character
                ends[i] = end;
            }
            return new Chunk(tokens, ends);
        }
    }

    /** One encoding's counting, with its caches. */
    private static final class Counter {
        private final Encoding encoding;
        private final boolean splitsAscii;
        private final ToIntFunction<String> direct;
        private final ToIntFunction<String> bySplit = this::bySplit;
        private final CountCache texts = new CountCache(WHOLE_TEXTS, WHOLE_TEXT_CHARS);
        private final CountCache pieces = new CountCache(PIECES, PIECE_CHARS);
        private final Map<String, Chunk> chunks = new ConcurrentHashMap<>();

        Counter(Encoding encoding, boolean splitsAscii) {
            this.encoding = encoding;
            this.splitsAscii = splitsAscii;
            this.direct = encoding::countTokensOrdinary;
        }

        int count(String text) {
            return text.length() >= WHOLE_TEXT_MIN_CHARS ? texts.count(text, bySplit) : bySplit(text);
        }

        private int bySplit(String text) {
            if (!splitsAscii || !O200kPieces.covers(text)) {
                return encoding.countTokensOrdinary(text);
            }
            int tokens = 0;
            for (int start = 0, end; start < text.length(); start = end) {
                end = O200kPieces.end(text, start);
                tokens += pieces.count(text.substring(start, end), direct);
            }
            return tokens;
        }
    }
}
