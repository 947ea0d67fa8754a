package dev.railyard.api.batches;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.api.http.ApiException;
import dev.railyard.api.jobs.JsonText;
import dev.railyard.schema.event.Endpoint;
import dev.railyard.schema.validation.FieldError;
import dev.railyard.schema.validation.JobRequestValidator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Splits an OpenAI batch input file (JSONL: {@code {"custom_id","method":"POST","url","body"}} per line)
 * into jobs and rejected lines. Problems of the whole file (not JSONL, empty, too long, a repeated
 * custom_id) reject the batch; a bad line only rejects itself. Blank lines are skipped, CRLF is fine, and
 * line numbers are the file's physical 1-based lines. Each line's {@code body} is kept as the exact text
 * of the file.
 *
 * <p>Valid lines are handed to a sink as they are found, so storing them can overlap with parsing the rest;
 * a whole-file problem found later (a repeated custom_id) still throws, and the caller discards what it
 * stored. For an input in memory, emptiness and the line limit are checked before any line is handed over; a
 * streamed input (a stored file) is checked as it is read.
 */
public final class BatchInputParser {
    public static final int MAX_LINES = 50_000;

    private final ObjectMapper mapper;
    private final JobRequestValidator validator;
    private final int maxLines;

    public BatchInputParser(ObjectMapper mapper, JobRequestValidator validator, int maxLines) {
        this.mapper = mapper;
        this.validator = validator;
        this.maxLines = maxLines;
    }

    /**
     * @param requiredEndpoint when not null, lines with another url are invalid
     * @param validLines       receives each valid line, in order
     * @throws ApiException for a file that cannot be a batch at all
     */
    public ParsedBatch parse(String input, String requiredEndpoint, Consumer<BatchLine> validLines) {
        String text = input.startsWith("\uFEFF") ? input.substring(1) : input;
        int count = countLines(text);
        if (count == 0) {
            throw empty();
        }
        if (count > maxLines) {
            throw ApiException.invalid("too_many_requests_in_batch", null,
                    "a batch may have at most " + maxLines + " requests, this input has " + count + " lines");
        }
        try {
            return parse(new TextLines(text), count, requiredEndpoint, validLines);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // text in memory cannot fail to read
        }
    }

    /**
     * As {@link #parse(String, String, Consumer)}, reading the input as it goes (a stored file): the line limit is
     * checked as lines are read, so an input over it throws once its first line past the limit is reached.
     */
    public ParsedBatch parse(Reader input, String requiredEndpoint, Consumer<BatchLine> validLines) throws IOException {
        return parse(new ReaderLines(input), 0, requiredEndpoint, validLines);
    }

    private ParsedBatch parse(Lines lines, int expected, String requiredEndpoint, Consumer<BatchLine> validLines)
            throws IOException {
        int valid = 0;
        int count = 0;
        String firstUrl = null;
        List<LineError> invalid = new ArrayList<>();
        Map<String, Integer> customIds = new HashMap<>(Math.max(16, expected * 2));
        boolean anyObject = false;
        LineError firstError = null;
        int lineNumber = 0;
        String line;
        while ((line = lines.next()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            if (++count > maxLines) {
                throw ApiException.invalid("too_many_requests_in_batch", null,
                        "a batch may have at most " + maxLines + " requests, this input has more (line " + lineNumber + ")");
            }
            RawLine raw = read(line);
            anyObject |= raw.object();
            if (raw.customId() != null) {
                Integer earlier = customIds.putIfAbsent(raw.customId(), lineNumber);
                if (earlier != null) {
                    throw ApiException.invalid("duplicate_custom_id", "custom_id", "custom_id '" + raw.customId()
                            + "' appears on line " + earlier + " and line " + lineNumber + "; custom_id must be unique within a batch");
                }
            }
            LineError error = check(raw, lineNumber, requiredEndpoint, line);
            if (error == null) {
                validLines.accept(new BatchLine(lineNumber, raw.customId(), raw.url(), raw.body().get("model").asText(), raw.bodyJson()));
                valid++;
                firstUrl = firstUrl == null ? raw.url() : firstUrl;
            } else {
                invalid.add(error);
                firstError = firstError == null ? error : firstError;
            }
        }
        if (count == 0) {
            throw empty();
        }
        if (!anyObject) {
            throw ApiException.invalid("invalid_jsonl", null, "the input is not JSONL: no line is a JSON object (line "
                    + firstError.lineNumber() + ": " + firstError.message() + ")");
        }
        String endpoint = requiredEndpoint != null ? requiredEndpoint
                : firstUrl == null ? Endpoint.CHAT_COMPLETIONS.path() : firstUrl;
        return new ParsedBatch(endpoint, valid, invalid);
    }

    private static ApiException empty() {
        return ApiException.invalid("empty_batch", null, "the batch input has no lines");
    }

    /** The physical lines of an input, without their line break (LF or CRLF); null after the last. */
    private interface Lines {
        String next() throws IOException;
    }

    private static final class TextLines implements Lines {
        private final String text;
        private int pos;

        TextLines(String text) {
            this.text = text;
        }

        @Override
        public String next() {
            if (pos > text.length()) {
                return null;
            }
            int nl = text.indexOf('\n', pos);
            int end = nl < 0 ? text.length() : nl;
            String line = text.substring(pos, end > pos && text.charAt(end - 1) == '\r' ? end - 1 : end);
            pos = end + 1;
            return line;
        }
    }

    /** Lines split on LF only, like {@link TextLines} (a lone CR stays in its line); a leading BOM is dropped. */
    private static final class ReaderLines implements Lines {
        private final Reader in;
        private final StringBuilder line = new StringBuilder(1024);
        private boolean first = true;
        private boolean ended;

        ReaderLines(Reader in) {
            this.in = in instanceof BufferedReader ? in : new BufferedReader(in, 1 << 16);
        }

        @Override
        public String next() throws IOException {
            if (ended) {
                return null;
            }
            line.setLength(0);
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                line.append((char) c);
            }
            ended = c < 0;
            if (first && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line.deleteCharAt(0);
            }
            first = false;
            int length = line.length();
            if (length > 0 && line.charAt(length - 1) == '\r') {
                line.setLength(length - 1);
            }
            return line.toString();
        }
    }

    private static int countLines(String text) {
        int count = 0;
        boolean blank = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                count += blank ? 0 : 1;
                blank = true;
            } else if (blank && !Character.isWhitespace(c)) {
                blank = false;
            }
        }
        return count + (blank ? 0 : 1);
    }

    /** What a line said, before judging it. {@code parseError} is set when the line is not one JSON object. */
    private record RawLine(boolean object, String parseError, boolean hasCustomId, String customId, String method,
                           String url, JsonNode body, String bodyJson) {
    }

    private RawLine read(String line) {
        boolean hasCustomId = false;
        String customId = null;
        String method = null;
        String url = null;
        JsonNode body = null;
        String bodyJson = null;
        try (JsonParser p = mapper.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return notObject("the line is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "custom_id" -> {
                        hasCustomId = true;
                        customId = value == JsonToken.VALUE_STRING ? p.getText() : null;
                        p.skipChildren();
                    }
                    case "method" -> method = textOrMarker(p, value);
                    case "url" -> url = textOrMarker(p, value);
                    case "body" -> {
                        int start = (int) p.currentTokenLocation().getCharOffset();
                        body = p.readValueAsTree();
                        bodyJson = line.substring(start, (int) p.currentLocation().getCharOffset());
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                return notObject("unexpected content after the JSON object");
            }
        } catch (JsonProcessingException e) {
            return notObject("the line is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return notObject("the line is not readable: " + e.getMessage());
        }
        return new RawLine(true, null, hasCustomId, customId, method, url, body, bodyJson);
    }

    private static RawLine notObject(String reason) {
        return new RawLine(false, reason, false, null, null, null, null, null);
    }

    private static String textOrMarker(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return value == JsonToken.VALUE_NULL ? null : "<" + value.asString() + ">";
    }

    private LineError check(RawLine raw, int n, String requiredEndpoint, String line) {
        if (!raw.object()) {
            return new LineError(n, null, "invalid_json", null, raw.parseError());
        }
        String id = raw.customId();
        if (!raw.hasCustomId()) {
            return new LineError(n, null, "missing_custom_id", "custom_id", "custom_id is required");
        }
        if (id == null || id.isEmpty()) {
            return new LineError(n, null, "invalid_custom_id", "custom_id", "custom_id must be a non-empty string");
        }
        String unstorable = JsonText.unstorableEscape(line);
        if (unstorable != null) {
            return new LineError(n, id.indexOf('\0') >= 0 ? null : id, "invalid_value", null,
                    "the line contains " + unstorable + ", which cannot be stored");
        }
        if (raw.method() == null) {
            return new LineError(n, id, "missing_field", "method", "method is required and must be POST");
        }
        if (!"POST".equals(raw.method())) {
            return new LineError(n, id, "invalid_method", "method", "method must be POST, got '" + raw.method() + "'");
        }
        if (raw.url() == null) {
            return new LineError(n, id, "missing_field", "url", "url is required");
        }
        if (requiredEndpoint != null && !requiredEndpoint.equals(raw.url())
                && Endpoint.fromPath(raw.url()).isPresent()) {
            return new LineError(n, id, "mismatched_url", "url",
                    "url must be " + requiredEndpoint + " like the batch's endpoint, got '" + raw.url() + "'");
        }
        if (raw.body() == null || raw.body().isNull()) {
            if (Endpoint.fromPath(raw.url()).isPresent()) {
                return new LineError(n, id, "missing_field", "body", "body is required");
            }
        }
        List<FieldError> errors = validator.validate(raw.url(), raw.body());
        if (errors.isEmpty()) {
            return null;
        }
        FieldError first = errors.get(0);
        String message = errors.size() == 1 ? first.message()
                : first.message() + " (and " + (errors.size() - 1) + " more: "
                  + String.join("; ", errors.subList(1, errors.size()).stream().map(FieldError::toString).toList()) + ")";
        return new LineError(n, id, first.code(), first.field(), message);
    }
}
