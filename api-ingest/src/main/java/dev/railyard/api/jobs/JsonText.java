package dev.railyard.api.jobs;

/**
 * Checks JSON text for escapes that Jackson accepts but PostgreSQL's {@code jsonb} rejects: {@code \u0000}
 * and unpaired UTF-16 surrogates. Catching them up front turns one bad line into a line error instead of a
 * failed COPY of the whole batch.
 */
public final class JsonText {
    private JsonText() {
    }

    /** Why the text cannot be stored as jsonb, or null when it can. */
    public static String unstorableEscape(String json) {
        int from = json.indexOf("\\u");
        if (from < 0) {
            return null;
        }
        boolean expectLow = false;
        int i = 0;
        int n = json.length();
        while (i < n) {
            char c = json.charAt(i);
            if (c != '\\') {
                if (expectLow) {
                    return "an unpaired UTF-16 surrogate escape";
                }
                i++;
                continue;
            }
            if (i + 1 >= n) {
                return null;
            }
            char next = json.charAt(i + 1);
            if (next != 'u' || i + 6 > n) {
                if (expectLow) {
                    return "an unpaired UTF-16 surrogate escape";
                }
                i += 2; // a two-character escape such as \\ or \n
                continue;
            }
            int code = hex(json, i + 2);
            if (code < 0) {
                return null; // not valid JSON anyway; the parser reports it
            }
            if (code == 0) {
                return "the NUL character (\\u0000)";
            }
            boolean high = code >= 0xD800 && code <= 0xDBFF;
            boolean low = code >= 0xDC00 && code <= 0xDFFF;
            if (expectLow != low) {
                return "an unpaired UTF-16 surrogate escape";
            }
            expectLow = high;
            i += 6;
        }
        return expectLow ? "an unpaired UTF-16 surrogate escape" : null;
    }

    private static int hex(String s, int at) {
        int value = 0;
        for (int k = at; k < at + 4; k++) {
            int d = Character.digit(s.charAt(k), 16);
            if (d < 0) {
                return -1;
            }
            value = value * 16 + d;
        }
        return value;
    }
}
