package dev.railyard.api.files;

import dev.railyard.api.http.ApiException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code multipart/form-data} body (RFC 7578) already on disk, read without holding it in memory: one pass finds
 * every boundary, then each part's headers are read in place. Small fields are read as text; the file part is only
 * located (offset and length), for the caller to copy. A part is a file whether or not its Content-Disposition has a
 * {@code filename}: clients that upload bytes often send none, and a form field would be limited in size.
 */
public final class MultipartForm {
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int MAX_FIELD_BYTES = 64 * 1024;
    private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=(?:\"([^\"]+)\"|([^;\\s]+))");
    private static final Pattern PARAM = Pattern.compile(
            "(?i);\\s*([a-z*]+)\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^;\\s]*))");

    /**
     * One part of the form.
     *
     * @param filename the Content-Disposition's filename, or null when it had none
     * @param offset   where the part's content starts in the file
     * @param length   the content's length in bytes
     */
    public record Part(String name, String filename, String contentType, long offset, long length) {
    }

    private final Path file;
    private final List<Part> parts;

    private MultipartForm(Path file, List<Part> parts) {
        this.file = file;
        this.parts = parts;
    }

    /** The boundary of a {@code multipart/form-data} content type, or null when the type is something else. */
    public static String boundary(String contentType) {
        if (contentType == null || !contentType.trim().toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            return null;
        }
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            return null;
        }
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    /**
     * Reads the parts of the body in {@code file}. Blocking.
     *
     * @throws ApiException 400 when the body is not a well-formed multipart body with that boundary
     */
    public static MultipartForm read(Path file, String boundary) throws IOException {
        byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<Long> marks = delimiters(file, delimiter);
        List<Part> parts = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            boolean closed = false;
            for (int i = 0; i < marks.size() && !closed; i++) {
                long after = marks.get(i) + delimiter.length;
                long end = i + 1 < marks.size() ? marks.get(i + 1) : channel.size();
                byte[] head = read(channel, after, (int) Math.min(MAX_HEADER_BYTES, end - after));
                if (head.length >= 2 && head[0] == '-' && head[1] == '-') {
                    closed = true;
                    continue;
                }
                if (i + 1 == marks.size()) {
                    break; // content after the last boundary without a closing one: reported below
                }
                parts.add(part(head, after, end));
            }
            if (!closed) {
                throw malformed("the body does not end with the closing boundary '--" + boundary + "--'");
            }
        }
        return new MultipartForm(file, List.copyOf(parts));
    }

    public List<Part> parts() {
        return parts;
    }

    /** The parts called {@code name}, in order. */
    public List<Part> named(String name) {
        return parts.stream().filter(p -> p.name().equals(name)).toList();
    }

    /** A small part's content as UTF-8 text. */
    public String text(Part part) throws IOException {
        if (part.length() > MAX_FIELD_BYTES) {
            throw ApiException.invalid("invalid_value", part.name(),
                    part.name() + " is " + part.length() + " bytes; a form field may have at most " + MAX_FIELD_BYTES);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return new String(read(channel, part.offset(), (int) part.length()), StandardCharsets.UTF_8);
        }
    }

    /** The content of a part, read from the file as it is consumed. */
    public InputStream open(Part part) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        channel.position(part.offset());
        return new BufferedInputStream(new BoundedStream(Channels.newInputStream(channel), part.length()), 1 << 16);
    }

    /**
     * Where each delimiter ({@code CRLF--boundary}) starts. The body is read as if preceded by CRLF, so a first
     * boundary at the very start (no preamble) is found too; it is reported at -2.
     */
    static List<Long> delimiters(Path file, byte[] delimiter) throws IOException {
        int[] failure = failure(delimiter);
        List<Long> marks = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(java.nio.file.Files.newInputStream(file), 1 << 16)) {
            int matched = 0;
            long position = -2; // the virtual CRLF
            byte[] buffer = new byte[1 << 16];
            matched = feed(new byte[] {'\r', '\n'}, 2, delimiter, failure, matched, position, marks);
            position = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                matched = feed(buffer, n, delimiter, failure, matched, position, marks);
                position += n;
            }
        }
        return marks;
    }

    /** Knuth–Morris–Pratt over one block; returns how much of the delimiter is matched at the block's end. */
    private static int feed(byte[] block, int n, byte[] delimiter, int[] failure, int matched, long position, List<Long> marks) {
        for (int i = 0; i < n; i++) {
            byte b = block[i];
            while (matched > 0 && delimiter[matched] != b) {
                matched = failure[matched - 1];
            }
            if (delimiter[matched] == b) {
                matched++;
            }
            if (matched == delimiter.length) {
                marks.add(position + i + 1 - delimiter.length);
                matched = failure[matched - 1];
            }
        }
        return matched;
    }

    private static int[] failure(byte[] pattern) {
        int[] f = new int[pattern.length];
        for (int i = 1, k = 0; i < pattern.length; i++) {
            while (k > 0 && pattern[i] != pattern[k]) {
                k = f[k - 1];
            }
            if (pattern[i] == pattern[k]) {
                k++;
            }
            f[i] = k;
        }
        return f;
    }

    /** A part from the bytes after its delimiter: optional padding, CRLF, header lines, an empty line, content. */
    private static Part part(byte[] head, long after, long end) {
        int i = 0;
        while (i < head.length && (head[i] == ' ' || head[i] == '\t')) {
            i++;
        }
        if (i + 1 >= head.length || head[i] != '\r' || head[i + 1] != '\n') {
            throw malformed("a boundary is not followed by a line break");
        }
        int headersStart = i + 2;
        // The boundary line's CRLF and the header lines' CRLFs end at the first CRLFCRLF (at i with no headers).
        int headersEnd = indexOf(head, i);
        if (headersEnd < 0) {
            throw malformed("a part's headers do not end with an empty line within " + MAX_HEADER_BYTES + " bytes");
        }
        String headers = headersEnd <= headersStart ? ""
                : new String(head, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
        String name = null;
        String filename = null;
        String contentType = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String header = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (header.equals("content-type")) {
                contentType = value;
            } else if (header.equals("content-disposition")) {
                Map<String, String> params = params(value);
                name = params.get("name");
                filename = params.containsKey("filename*") ? extended(params.get("filename*")) : params.get("filename");
            }
        }
        if (name == null) {
            throw malformed("a part has no Content-Disposition with a name");
        }
        long offset = after + headersEnd + 4;
        return new Part(name, filename, contentType, offset, Math.max(0, end - offset));
    }

    /** The first CRLFCRLF at or after {@code from}, or -1. */
    private static int indexOf(byte[] head, int from) {
        for (int i = from; i + 3 < head.length; i++) {
            if (head[i] == '\r' && head[i + 1] == '\n' && head[i + 2] == '\r' && head[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static Map<String, String> params(String disposition) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(disposition);
        while (m.find()) {
            String value = m.group(2) != null ? m.group(2).replaceAll("\\\\(.)", "$1") : m.group(3);
            out.putIfAbsent(m.group(1).toLowerCase(Locale.ROOT), value);
        }
        return out;
    }

    /** RFC 5987 {@code UTF-8''name%20with%20spaces}. */
    private static String extended(String value) {
        int quote = value.indexOf("''");
        String encoded = quote < 0 ? value : value.substring(quote + 2);
        try {
            return URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return encoded;
        }
    }

    private static byte[] read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(Math.max(0, length));
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                break;
            }
        }
        byte[] out = new byte[buffer.position()];
        buffer.flip().get(out);
        return out;
    }

    private static ApiException malformed(String why) {
        return ApiException.invalid("invalid_multipart", null, "the body is not valid multipart/form-data: " + why);
    }

    /** At most {@code remaining} bytes of the underlying stream. */
    private static final class BoundedStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedStream(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            remaining -= b < 0 ? remaining : 1;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            remaining -= n < 0 ? remaining : n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
