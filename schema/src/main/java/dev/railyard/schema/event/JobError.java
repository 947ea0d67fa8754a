package dev.railyard.schema.event;

/**
 * A normalised failure, keeping what the provider said for debugging.
 *
 * @param type          the taxonomy type
 * @param message       a human-readable explanation
 * @param httpStatus    the provider's HTTP status, or null when there was none
 * @param providerBody  the provider's raw error body (truncated), or null
 * @param providerRequestId the provider's request id, or null
 */
public record JobError(ErrorType type, String message, Integer httpStatus, String providerBody, String providerRequestId) {
    public static JobError of(ErrorType type, String message) {
        return new JobError(type, message, null, null, null);
    }
}
