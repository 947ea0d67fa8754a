package dev.railyard.router.estimate;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.railyard.schema.event.Endpoint;
import dev.railyard.schema.validation.FieldError;
import dev.railyard.schema.validation.JobRequestValidator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what to estimate with the checks api-ingest applies before accepting it, so an estimate reports the
 * lines a submission would reject: a batch input (OpenAI batch JSONL, {@code custom_id}, {@code method},
 * {@code url}, {@code body} per line; blank lines skipped; physical 1-based line numbers) or one request
 * (a plain OpenAI body, endpoint inferred, or {@code {"endpoint","body"}}). Bodies go through the schema's
 * {@link JobRequestValidator}. A problem of the whole input throws {@link Rejected}.
 */
public final class EstimateInput {
    /** As api-ingest's batch limit. */
    public static final int MAX_LINES = 50_000;

    /** The lines to estimate and the lines the edge would reject. */
    public record Lines(String endpoint, List<EstimateLine> valid, List<LineProblem> invalid) {
        public Lines {
            valid = List.copyOf(valid);
            invalid = List.copyOf(invalid);
        }
    }

    /** The input as a whole cannot be estimated; {@code param} names the field at fault, or null. */
    public static final class Rejected extends RuntimeException {
        private final String code;
        private final String param;

        public Rejected(String code, String param, String message) {
            super(message);
            this.code = code;
            this.param = param;
        }

        public String code() {
            return code;
        }

        public String param() {
            return param;
        }
    }

    private final ObjectReader reader;
    private final JobRequestValidator validator;

    public EstimateInput(ObjectMapper mapper, JobRequestValidator validator) {
        this.reader = mapper.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.validator = validator;
    }

    /** @param requiredEndpoint when not null, lines for the other endpoint are invalid (as a batch's {@code endpoint}) */
    public Lines batch(String input, String requiredEndpoint) {
        String text = input.startsWith("\uFEFF") ? input.substring(1) : input;
        List<EstimateLine> valid = new ArrayList<>();
        List<LineProblem> invalid = new ArrayList<>();
        Map<String, Integer> customIds = new HashMap<>();
        String[] lines = text.split("\n", -1);
        long nonBlank = java.util.Arrays.stream(lines).filter(l -> !l.isBlank()).count();
        if (nonBlank == 0) {
            throw new Rejected("empty_batch", null, "the batch input has no lines");
        }
        if (nonBlank > MAX_LINES) {
            throw new Rejected("too_many_requests_in_batch", null,
                    "a batch may have at most " + MAX_LINES + " requests, this input has " + nonBlank + " lines");
        }
        boolean anyObject = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.isBlank()) {
                continue;
            }
            int n = i + 1;
            JsonNode node;
            try {
                node = reader.readValue(line);
            } catch (IOException e) {
                invalid.add(new LineProblem(n, null, "invalid_json", null, "the line is not valid JSON: " + firstLine(e.getMessage())));
                continue;
            }
            if (!node.isObject()) {
                invalid.add(new LineProblem(n, null, "invalid_json", null, "the line is not a JSON object"));
                continue;
            }
            anyObject = true;
            JsonNode id = node.get("custom_id");
            if (id != null && id.isTextual()) {
                Integer earlier = customIds.putIfAbsent(id.asText(), n);
                if (earlier != null) {
                    throw new Rejected("duplicate_custom_id", "custom_id", "custom_id '" + id.asText() + "' appears on line "
                            + earlier + " and line " + n + "; custom_id must be unique within a batch");
                }
            }
            LineProblem problem = check(node, n, requiredEndpoint);
            if (problem == null) {
                valid.add(new EstimateLine(n, id.asText(), node.get("url").asText(), node.get("body")));
            } else {
                invalid.add(problem);
            }
        }
        if (!anyObject) {
            throw new Rejected("invalid_jsonl", null, "the input is not JSONL: no line is a JSON object (line "
                    + invalid.get(0).lineNumber() + ": " + invalid.get(0).message() + ")");
        }
        String endpoint = requiredEndpoint != null ? requiredEndpoint
                : valid.isEmpty() ? Endpoint.CHAT_COMPLETIONS.path() : valid.get(0).url();
        return new Lines(endpoint, valid, invalid);
    }

    /** One request, as {@code POST /v1/jobs} takes it; an invalid one is {@link Rejected} naming the field. */
    public Lines single(String input) {
        JsonNode root;
        try {
            root = reader.readValue(input.startsWith("\uFEFF") ? input.substring(1) : input);
        } catch (IOException e) {
            throw new Rejected("invalid_json", null, "the request body is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new Rejected("invalid_type", null, "the request body must be a JSON object");
        }
        String endpoint;
        JsonNode body;
        if (root.has("body")) {
            endpoint = root.path("endpoint").isTextual() ? root.get("endpoint").asText() : Endpoint.CHAT_COMPLETIONS.path();
            body = root.get("body");
        } else {
            endpoint = root.has("input") && !root.has("messages") ? Endpoint.EMBEDDINGS.path() : Endpoint.CHAT_COMPLETIONS.path();
            body = root;
        }
        List<FieldError> errors = validator.validate(endpoint, body);
        if (!errors.isEmpty()) {
            FieldError first = errors.get(0);
            throw new Rejected(first.code(), "url".equals(first.field()) ? "endpoint" : first.field(), first.message());
        }
        return new Lines(endpoint, List.of(new EstimateLine(1, null, endpoint, body)), List.of());
    }

    /** The first problem of a line, as api-ingest words it, or null when the line would become a job. */
    private LineProblem check(JsonNode line, int n, String requiredEndpoint) {
        JsonNode id = line.get("custom_id");
        if (id == null) {
            return new LineProblem(n, null, "missing_custom_id", "custom_id", "custom_id is required");
        }
        if (!id.isTextual() || id.asText().isEmpty()) {
            return new LineProblem(n, null, "invalid_custom_id", "custom_id", "custom_id must be a non-empty string");
        }
        String customId = id.asText();
        JsonNode method = line.get("method");
        if (method == null || method.isNull()) {
            return new LineProblem(n, customId, "missing_field", "method", "method is required and must be POST");
        }
        if (!"POST".equals(method.asText()) || !method.isTextual()) {
            return new LineProblem(n, customId, "invalid_method", "method", "method must be POST, got '" + text(method) + "'");
        }
        JsonNode url = line.get("url");
        if (url == null || url.isNull()) {
            return new LineProblem(n, customId, "missing_field", "url", "url is required");
        }
        String path = text(url);
        if (requiredEndpoint != null && !requiredEndpoint.equals(path) && Endpoint.fromPath(path).isPresent()) {
            return new LineProblem(n, customId, "mismatched_url", "url",
                    "url must be " + requiredEndpoint + " like the batch's endpoint, got '" + path + "'");
        }
        JsonNode body = line.get("body");
        if ((body == null || body.isNull()) && Endpoint.fromPath(path).isPresent()) {
            return new LineProblem(n, customId, "missing_field", "body", "body is required");
        }
        List<FieldError> errors = validator.validate(path, body);
        if (errors.isEmpty()) {
            return null;
        }
        FieldError first = errors.get(0);
        String message = errors.size() == 1 ? first.message()
                : first.message() + " (and " + (errors.size() - 1) + " more: "
                  + String.join("; ", errors.subList(1, errors.size()).stream().map(FieldError::toString).toList()) + ")";
        return new LineProblem(n, customId, first.code(), first.field(), message);
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : "<" + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ">";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
