package dev.railyard.simulator;

/**
 * o200k_base's pre-tokenizer without its regex, for ASCII text: the pieces jtokkit's pattern
 * <pre>
 * [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
 * |[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
 * |\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
 * </pre>
 * finds, found by hand. The regex (a union of Unicode classes, tried alternative by alternative) was the
 * largest single cost of counting a prompt. BPE never merges across pieces, so a text's token count is the
 * sum of its pieces' counts, which {@link Tokenizer} caches. Text with any other character (control
 * characters besides tab, LF and CR; anything beyond ASCII) is left to jtokkit.
 */
final class O200kPieces {
    private O200kPieces() {
    }

    /** Whether every character is printable ASCII, tab, LF or CR: the text {@link #end} splits as the regex does. */
    static boolean covers(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < ' ' || c > '~') && c != '\t' && c != '\n' && c != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Where the piece starting at {@code start} ends, in text that {@link #covers} accepts. */
    static int end(String text, int start) {
        int n = text.length();
        char c = text.charAt(start);
        // Alternatives 1 and 2: letters, after at most one character that is no line break, letter or digit.
        if (letter(c)) {
            return letters(text, start);
        }
        if (!lineBreak(c) && !digit(c) && start + 1 < n && letter(text.charAt(start + 1))) {
            return letters(text, start + 1);
        }
        // Alternative 3: up to three digits.
        if (digit(c)) {
            int end = start + 1;
            while (end < n && end < start + 3 && digit(text.charAt(end))) {
                end++;
            }
            return end;
        }
        // Alternative 4: punctuation after at most one space, then line breaks and slashes.
        int punctuation = c == ' ' && start + 1 < n && punctuation(text.charAt(start + 1)) ? start + 1 : start;
        if (punctuation(text.charAt(punctuation))) {
            int end = punctuation + 1;
            while (end < n && punctuation(text.charAt(end))) {
                end++;
            }
            while (end < n && (lineBreak(text.charAt(end)) || text.charAt(end) == '/')) {
                end++;
            }
            return end;
        }
        // Whitespace: up to its last line break (5); else all of it at the end of the text, or all but its last
        // character, which goes with the word after it (6); else the one character (7).
        int end = start;
        int lastBreak = -1;
        while (end < n && whitespace(text.charAt(end))) {
            if (lineBreak(text.charAt(end))) {
                lastBreak = end;
            }
            end++;
        }
        if (lastBreak >= 0) {
            return lastBreak + 1;
        }
        return end == n || end - 1 == start ? end : end - 1;
    }

    /** Upper case then lower case (one at least of either), then an English contraction. */
    private static int letters(String text, int from) {
        int n = text.length();
        int end = from;
        while (end < n && upper(text.charAt(end))) {
            end++;
        }
        while (end < n && lower(text.charAt(end))) {
            end++;
        }
        if (end + 1 < n && text.charAt(end) == '\'') {
            char a = Character.toLowerCase(text.charAt(end + 1));
            if (a == 's' || a == 't' || a == 'm' || a == 'd') {
                return end + 2;
            }
            if (end + 2 < n) {
                char b = Character.toLowerCase(text.charAt(end + 2));
                if ((a == 'r' || a == 'v') && b == 'e' || a == 'l' && b == 'l') {
                    return end + 3;
                }
            }
        }
        return end;
    }

    private static boolean upper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean lower(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean letter(char c) {
        return upper(c) || lower(c);
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean lineBreak(char c) {
        return c == '\n' || c == '\r';
    }

    private static boolean whitespace(char c) {
        return c == ' ' || c == '\t' || lineBreak(c);
    }

    private static boolean punctuation(char c) {
        return c > ' ' && c <= '~' && !letter(c) && !digit(c);
    }
}
