package dev.railyard.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

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
        List<String> out = new ArrayList<>(words + words / 4);
        boolean sentenceStart = true;
        for (int i = 0; i < words; i++) {
            String word = WORDS[random.nextInt(WORDS.length)];
            if (sentenceStart) {
                word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            }
            out.add(i == 0 ? word : " " + word);
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

    /** A 64-bit FNV-1a hash: stable across JVMs, unlike {@code String.hashCode} mixed with nothing. */
    public static long hash(String text) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
