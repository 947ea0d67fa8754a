package dev.railyard.simulator;

import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/** Deterministic filler answers: the same seed always yields the same 8–60 word text. */
public final class TextGenerator {
    static final int MIN_WORDS = 8;
    static final int MAX_WORDS = 60;
    private static final String[] WORDS = {
        "the", "railyard", "routes", "every", "job", "to", "a", "provider", "and", "records", "its", "cost",
        "latency", "matters", "less", "than", "throughput", "for", "batch", "work", "so", "queues", "absorb",
        "bursts", "while", "workers", "retry", "transient", "errors", "with", "backoff", "tokens", "are",
        "counted", "exactly", "budgets", "hold", "spend", "within", "limits", "results", "arrive", "in",
        "order", "per", "partition", "models", "answer", "politely", "simulated", "responses", "look", "real",
        "enough", "tests", "pass", "quickly", "kafka", "carries", "events", "between", "services", "reliably",
    };

    /** Each word as it appears: opening the answer, after a space, or after a space opening a sentence. */
    private static final String[] CAPITAL = forms(w -> Character.toUpperCase(w.charAt(0)) + w.substring(1));
    private static final String[] SPACED = forms(w -> " " + w);
    private static final String[] SPACED_CAPITAL = forms(w -> " " + Character.toUpperCase(w.charAt(0)) + w.substring(1));

    private static String[] forms(UnaryOperator<String> form) {
        String[] out = new String[WORDS.length];
        for (int i = 0; i < WORDS.length; i++) {
            out[i] = form.apply(WORDS[i]);
        }
        return out;
    }

    public String generate(long seed) {
        return String.join("", chunks(seed));
    }

    /**
     * The answer as the pieces a GPT tokenizer's pre-tokenizer splits it into: {@code "The"},
     * {@code " railyard"}, {@code ","}, {@code "."}. BPE never merges across these pieces, so a text's
     * token count is the sum of its pieces' counts, which {@link Tokenizer} caches.
     */
    public List<String> chunks(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int words = MIN_WORDS + random.nextInt(MAX_WORDS - MIN_WORDS + 1);
        List<String> out = new ArrayList<>(2 * words); // a word and at most one punctuation mark after it
        boolean sentenceStart = true;
        for (int i = 0; i < words; i++) {
            int word = random.nextInt(WORDS.length);
            out.add(i == 0 ? CAPITAL[word] : (sentenceStart ? SPACED_CAPITAL : SPACED)[word]);
            // End a sentence now and then, and always at the last word.
            sentenceStart = i == words - 1 || (i > 3 && random.nextInt(9) == 0);
            if (sentenceStart) {
                out.add(".");
            } else if (random.nextInt(14) == 0) {
                out.add(",");
            }
        }
        return out;
    }

    /**
     * An answer split into at most {@code maxPieces} consecutive pieces, each starting at a word boundary,
     * as a streamed answer arrives; joined they give the text back exactly.
     */
    public static List<String> pieces(String text, int maxPieces) {
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < text.length(); i++) {
            if (text.charAt(i) == ' ') {
                words.add(text.substring(start, i));
                start = i;
            }
        }
        if (start < text.length()) {
            words.add(text.substring(start));
        }
        if (words.size() <= maxPieces) {
            return words;
        }
        List<String> out = new ArrayList<>(maxPieces);
        int per = (words.size() + maxPieces - 1) / maxPieces;
        for (int i = 0; i < words.size(); i += per) {
            out.add(String.join("", words.subList(i, Math.min(words.size(), i + per))));
        }
        return out;
    }

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    /** A 64-bit FNV-1a hash: stable across JVMs, unlike {@code String.hashCode} mixed with nothing. */
    public static long hash(String text) {
        long h = FNV_OFFSET;
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= FNV_PRIME;
        }
        return h;
    }

    /** {@link #hash} of the characters written to it, without keeping them (a request's messages as JSON). */
    static final class HashWriter extends Writer {
        private long h = FNV_OFFSET;

        @Override
        public void write(char[] chars, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                h ^= chars[i];
                h *= FNV_PRIME;
            }
        }

        @Override
        public void write(String text, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                h ^= text.charAt(i);
                h *= FNV_PRIME;
            }
        }

        @Override
        public void write(int c) {
            h ^= (char) c;
            h *= FNV_PRIME;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        long hash() {
            return h;
        }
    }
}
