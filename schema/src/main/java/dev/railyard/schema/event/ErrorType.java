package dev.railyard.schema.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The one taxonomy of job failures. Retryable types are worth another attempt on the same deployment. */
public enum ErrorType {
    RATE_LIMITED(true),
    OVERLOADED(true),
    TIMEOUT(true),
    SERVER_ERROR(true),
    /**
     * The provider answered (and charged), but the output does not match the job's
     * {@code response_format}: another attempt, or a fallback deployment, may well produce valid output.
     */
    STRUCTURED_OUTPUT_INVALID(true),
    INVALID_REQUEST(false),
    AUTHENTICATION(false),
    PERMISSION(false),
    NOT_FOUND(false),
    CONTEXT_LENGTH_EXCEEDED(false),
    CONTENT_FILTERED(false),
    UNSUPPORTED_PARAMETER(false),
    MODEL_NOT_FOUND(false),
    BUDGET_EXCEEDED(false),
    MALFORMED_RESPONSE(false),
    MALFORMED_RECORD(false),
    INTERNAL(false);

    private final boolean retryable;

    ErrorType(boolean retryable) {
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }

    /** The wire name, e.g. {@code rate_limited}. */
    @JsonValue
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    @JsonCreator
    public static ErrorType fromCode(String code) {
        return valueOf(code.toUpperCase(java.util.Locale.ROOT));
    }
}
