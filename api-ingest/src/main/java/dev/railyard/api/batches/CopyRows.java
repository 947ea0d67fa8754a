package dev.railyard.api.batches;

import java.io.IOException;
import java.io.Writer;

/**
 * Writes rows in PostgreSQL's COPY text format: tab-separated fields, one row per line, {@code \N} for
 * null, and backslash escapes for backslash, tab, newline and carriage return. PostgreSQL text cannot hold
 * NUL, so a NUL character becomes U+FFFD (callers reject NUL in values that matter before this point).
 */
public final class CopyRows {
    private final Writer out;
    private boolean rowStarted;

    public CopyRows(Writer out) {
        this.out = out;
    }

    public CopyRows field(String value) throws IOException {
        if (rowStarted) {
            out.write('\t');
        }
        rowStarted = true;
        if (value == null) {
            out.write("\\N");
            return this;
        }
        int n = value.length();
        int plainFrom = 0;
        for (int i = 0; i < n; i++) {
            String escape = switch (value.charAt(i)) {
                case '\\' -> "\\\\";
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\0' -> "\uFFFD";
                default -> null;
            };
            if (escape != null) {
                out.write(value, plainFrom, i - plainFrom);
                out.write(escape);
                plainFrom = i + 1;
            }
        }
        out.write(value, plainFrom, n - plainFrom);
        return this;
    }

    public CopyRows field(long value) throws IOException {
        return field(Long.toString(value));
    }

    public void endRow() throws IOException {
        out.write('\n');
        rowStarted = false;
    }
}
