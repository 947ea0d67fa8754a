package dev.railyard.api.jobs;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.railyard.api.http.ApiException;
import dev.railyard.api.webhooks.CallbackUrls;
import dev.railyard.schema.event.Endpoint;
import dev.railyard.schema.validation.FieldError;
import dev.railyard.schema.validation.JobRequestValidator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@code POST /v1/jobs} body: either the Railyard envelope ({@code endpoint}, {@code body},
 * {@code metadata}, {@code priority}, {@code callback_url}, {@code deadline}) or a plain OpenAI request,
 * whose endpoint is inferred ({@code messages} → chat, {@code input} → embeddings). The first problem
 * found becomes a 400 naming its field.
 */
public final class JobRequestReader {
    private static final Set<String> ENVELOPE_FIELDS = Set.of("endpoint", "body", "metadata", "priority", "callback_url", "deadline");
    private static final int MAX_METADATA_ENTRIES = 16;
    private static final int MAX_METADATA_KEY = 64;
    private static final int MAX_METADATA_VALUE = 512;

    private final ObjectMapper mapper;
    private final ObjectReader treeReader;
    private final JobRequestValidator validator;
    private final Clock clock;

    public JobRequestReader(ObjectMapper mapper, JobRequestValidator validator, Clock clock) {
        this.mapper = mapper;
        this.treeReader = mapper.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.validator = validator;
        this.clock = clock;
    }

    public JobRequest read(byte[] bytes) {
        String text = text(bytes);
        JsonNode root = parse(bytes, text);
        requireStorable(text);
        boolean plain = !root.has("body") && (root.has("model") || root.has("messages") || root.has("input"));
        if (plain) {
            String endpoint = root.has("input") && !root.has("messages")
                    ? Endpoint.EMBEDDINGS.path() : Endpoint.CHAT_COMPLETIONS.path();
            validateBody(endpoint, root);
            return new JobRequest(endpoint, root.get("model").asText(),
                    text.strip(), Map.of(), Priority.STANDARD, null, null);
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!ENVELOPE_FIELDS.contains(name)) {
                throw ApiException.invalid("unknown_parameter", name, "unrecognized field '" + name
                        + "'; expected " + ENVELOPE_FIELDS.stream().sorted().toList() + " or a plain OpenAI request body");
            }
        }
        String endpoint = optionalText(root, "endpoint", Endpoint.CHAT_COMPLETIONS.path());
        JsonNode body = root.get("body");
        if (body == null || body.isNull()) {
            throw ApiException.invalid("missing_field", "body", "body is required");
        }
        validateBody(endpoint, body);
        return new JobRequest(endpoint, body.get("model").asText(), write(body),
                metadata(root.get("metadata")),
                priority(root),
                callbackUrl(root.get("callback_url")),
                deadline(root.get("deadline")));
    }

    /**
     * Reads a plain OpenAI request body sent to its own endpoint (the synchronous {@code POST /v1/chat/completions}
     * and {@code POST /v1/embeddings}): no envelope, and errors name the body's fields as the client sent them
     * ({@code messages[0].role}, not {@code body.messages[0].role}). {@code stream: true} is refused as an
     * unsupported parameter: answers are not streamed yet.
     */
    public JobRequest readOpenAi(String endpoint, byte[] bytes, String priority) {
        String text = text(bytes);
        JsonNode root = parse(bytes, text);
        requireStorable(text);
        if (root.path("stream").asBoolean(false)) {
            throw ApiException.invalid("unsupported_parameter", "stream",
                    "stream: true is not supported by Railyard yet; send the request without it to get the whole answer");
        }
        List<FieldError> errors = validator.validate(endpoint, root);
        if (!errors.isEmpty()) {
            FieldError first = errors.get(0);
            String param = first.field().startsWith("body.") ? first.field().substring("body.".length()) : first.field();
            throw ApiException.invalid(first.code(), param, first.message() + more(errors));
        }
        return new JobRequest(endpoint, root.get("model").asText(), text.strip(), Map.of(), priority, null, null);
    }

    private static String text(byte[] bytes) {
        String decoded = new String(bytes, StandardCharsets.UTF_8);
        // A byte-order mark is fine for Jackson but not for PostgreSQL's jsonb.
        return decoded.startsWith("\uFEFF") ? decoded.substring(1) : decoded;
    }

    private static void requireStorable(String text) {
        String unstorable = JsonText.unstorableEscape(text);
        if (unstorable != null) {
            throw ApiException.invalid("invalid_value", null, "request contains " + unstorable + ", which cannot be stored");
        }
    }

    private JsonNode parse(byte[] bytes, String text) {
        if (text.isBlank()) {
            throw ApiException.invalid("invalid_json", null, "request body is empty; expected a JSON object");
        }
        JsonNode root;
        try {
            root = treeReader.readValue(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw ApiException.invalid("invalid_json", null, "request body is not valid JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw ApiException.invalid("invalid_json", null, "request body is not readable: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw ApiException.invalid("invalid_json", null, "request body must be a JSON object");
        }
        return root;
    }

    private void validateBody(String endpoint, JsonNode body) {
        List<FieldError> errors = validator.validate(endpoint, body);
        if (!errors.isEmpty()) {
            FieldError first = errors.get(0);
            String param = "url".equals(first.field()) ? "endpoint" : first.field();
            throw ApiException.invalid(first.code(), param, first.message() + more(errors));
        }
    }

    private static String more(List<FieldError> errors) {
        return errors.size() > 1 ? " (and " + (errors.size() - 1) + " more: "
                + String.join("; ", errors.subList(1, errors.size()).stream().map(FieldError::toString).toList()) + ")" : "";
    }

    private static String optionalText(JsonNode root, String field, String fallback) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isTextual()) {
            throw ApiException.invalid("invalid_type", field, field + " must be a string");
        }
        return node.asText();
    }

    private static Map<String, String> metadata(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw ApiException.invalid("invalid_type", "metadata", "metadata must be an object of string values");
        }
        if (node.size() > MAX_METADATA_ENTRIES) {
            throw ApiException.invalid("invalid_value", "metadata", "metadata may have at most " + MAX_METADATA_ENTRIES + " keys");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String param = "metadata." + e.getKey();
            if (e.getKey().length() > MAX_METADATA_KEY || e.getKey().indexOf('\0') >= 0) {
                throw ApiException.invalid("invalid_value", param, "metadata keys must be at most " + MAX_METADATA_KEY + " characters, without NUL");
            }
            if (!e.getValue().isTextual()) {
                throw ApiException.invalid("invalid_type", param, "metadata values must be strings");
            }
            String value = e.getValue().asText();
            if (value.length() > MAX_METADATA_VALUE || value.indexOf('\0') >= 0) {
                throw ApiException.invalid("invalid_value", param, "metadata values must be at most " + MAX_METADATA_VALUE + " characters, without NUL");
            }
            out.put(e.getKey(), value);
        }
        return out;
    }

    private static String priority(JsonNode root) {
        String value = optionalText(root, "priority", Priority.STANDARD);
        if (!Priority.ALL.contains(value)) {
            throw ApiException.invalid("invalid_value", "priority", "priority must be one of " + Priority.ALL + ", got '" + value + "'");
        }
        return value;
    }

    /** An absolute http(s) URL with a host and no user info ({@link CallbackUrls}), or null when absent. */
    static String callbackUrl(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.invalid("invalid_type", "callback_url", "callback_url must be a string");
        }
        return CallbackUrls.check(node.asText(), "callback_url");
    }

    private Instant deadline(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.invalid("invalid_type", "deadline", "deadline must be an ISO-8601 instant string");
        }
        Instant deadline;
        try {
            deadline = Instant.parse(node.asText());
        } catch (DateTimeParseException e) {
            throw ApiException.invalid("invalid_value", "deadline",
                    "deadline must be an ISO-8601 instant such as 2030-01-01T00:00:00Z, got '" + node.asText() + "'");
        }
        if (!deadline.isAfter(clock.instant())) {
            throw ApiException.invalid("invalid_value", "deadline", "deadline " + deadline + " is already past");
        }
        return deadline;
    }

    private String write(JsonNode body) {
        try {
            return mapper.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed tree always serialises", e);
        }
    }
}
