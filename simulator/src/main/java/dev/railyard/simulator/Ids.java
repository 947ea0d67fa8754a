package dev.railyard.simulator;

import java.util.concurrent.ThreadLocalRandom;

/** Identifiers in OpenAI's formats. Random, not seeded: ids differ per call on the real API too. */
public final class Ids {
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Ids() {
    }

    /** {@code chatcmpl-} and 29 base-62 characters. */
    public static String completionId() {
        return "chatcmpl-" + random(BASE62, 29);
    }

    /** {@code req_} and 32 hex digits. */
    public static String requestId() {
        return "req_" + random(HEX, 32);
    }

    /** {@code length} random base-62 characters. */
    public static String base62(int length) {
        return random(BASE62, length);
    }

    /** {@code length} random lower-case hex digits. */
    public static String hex(int length) {
        return random(HEX, length);
    }

    private static String random(char[] alphabet, int length) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = alphabet[r.nextInt(alphabet.length)];
        }
        return new String(out);
    }
}
