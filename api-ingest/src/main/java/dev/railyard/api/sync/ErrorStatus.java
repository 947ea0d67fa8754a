package dev.railyard.api.sync;

import dev.railyard.schema.event.ErrorType;

/**
 * The HTTP status a synchronous caller gets for a job that did not succeed, chosen by the normalised error type
 * rather than the provider's own status: the caller talks to Railyard, so a provider refusing Railyard's key is
 * Railyard's fault (500), not the caller's (401). OpenAI clients retry 429 and 5xx answers themselves.
 */
final class ErrorStatus {
    private ErrorStatus() {
    }

    /** @param code an {@link ErrorType} wire name, or a terminal state ({@code expired}, {@code cancelled}) */
    static int of(String code) {
        ErrorType type;
        try {
            type = ErrorType.fromCode(code);
        } catch (IllegalArgumentException | NullPointerException e) {
            return switch (code == null ? "" : code) {
                case "expired" -> 504;
                case "cancelled" -> 503;
                default -> 500;
            };
        }
        return switch (type) {
            case INVALID_REQUEST, CONTEXT_LENGTH_EXCEEDED, UNSUPPORTED_PARAMETER, CONTENT_FILTERED, MALFORMED_RECORD -> 400;
            case NOT_FOUND, MODEL_NOT_FOUND -> 404;
            case RATE_LIMITED, BUDGET_EXCEEDED -> 429;
            case OVERLOADED -> 503;
            case TIMEOUT -> 504;
            case SERVER_ERROR, INTERNAL, MALFORMED_RESPONSE, STRUCTURED_OUTPUT_INVALID, AUTHENTICATION, PERMISSION -> 500;
        };
    }
}
