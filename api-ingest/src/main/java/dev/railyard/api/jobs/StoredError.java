package dev.railyard.api.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.schema.event.ErrorType;

/**
 * A finished job's error as clients see it, read from the {@code jobs.error} column (a normalised
 * {@code JobError}: {@code type}, {@code message}, {@code http_status}, ...). Jobs that expired or were
 * cancelled without an error get the state as their code.
 *
 * @param code       the error type's wire name, e.g. {@code rate_limited}
 * @param httpStatus the last attempt's HTTP status, or null
 */
public record StoredError(String code, String message, Integer httpStatus) {

    public static StoredError of(ObjectMapper mapper, String errorJson, String state) {
        JsonNode node = null;
        if (errorJson != null) {
            try {
                node = mapper.readTree(errorJson);
            } catch (JsonProcessingException e) {
                node = null; // jsonb is always valid JSON; a null tree falls back to the state below
            }
        }
        String code = text(node, "type");
        if (code == null) {
            code = text(node, "code");
        }
        if (code == null) {
            code = "failed".equals(state) || state == null ? ErrorType.INTERNAL.code() : state;
        }
        String message = text(node, "message");
        if (message == null) {
            message = "cancelled".equals(state) ? "the job was cancelled before it started (its batch was cancelled)"
                    : "the job ended " + state;
        }
        JsonNode status = node == null ? null : node.get("http_status");
        return new StoredError(code, message, status != null && status.canConvertToInt() ? status.asInt() : null);
    }

    /**
     * The status the batch output reports: the provider's when known, otherwise 500 for server-side and
     * transient types and 400 for the rest.
     */
    public int statusCode(Integer lastAttemptStatus) {
        if (lastAttemptStatus != null) {
            return lastAttemptStatus;
        }
        if (httpStatus != null) {
            return httpStatus;
        }
        ErrorType type;
        try {
            type = ErrorType.fromCode(code);
        } catch (IllegalArgumentException e) {
            return "expired".equals(code) || "cancelled".equals(code) ? 400 : 500;
        }
        return type.retryable() || type == ErrorType.INTERNAL || type == ErrorType.MALFORMED_RESPONSE ? 500 : 400;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
