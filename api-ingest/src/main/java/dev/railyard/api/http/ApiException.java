package dev.railyard.api.http;

/**
 * A request the API answers with an error body instead of a result. Thrown (or failed into a routing
 * context) anywhere in a handler; the one failure handler turns it into the OpenAI error shape.
 *
 * @see ErrorHandling
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final String param;

    public ApiException(int status, String code, String param, String message) {
        // No stack trace: this is an answer to the client, not a fault of ours.
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.param = param;
    }

    public static ApiException invalid(String code, String param, String message) {
        return new ApiException(400, code, param, message);
    }

    public static ApiException notFound(String param, String message) {
        return new ApiException(404, "not_found", param, message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The field path the error is about, or null. */
    public String param() {
        return param;
    }
}
