package dev.railyard.provider.http;

import dev.railyard.provider.ProviderException;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import io.vertx.core.VertxException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;

/** The failures every provider family shares: no answer, a malformed answer, a request we refuse to send. */
public final class ProviderFailures {
    public static final int MAX_BODY_BYTES = 4096;

    private ProviderFailures() {
    }

    /** The call never got an answer: a timeout, or a connection refused, reset or closed (retryable). */
    public static ProviderException transportFailure(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && !(cause instanceof TimeoutException)) {
            cause = cause.getCause();
        }
        boolean timeout = cause instanceof TimeoutException
                || (failure.getClass().getSimpleName().contains("Timeout"));
        ErrorType type = timeout ? ErrorType.TIMEOUT : ErrorType.SERVER_ERROR;
        String what = timeout ? "no answer in time" : connectionProblem(cause);
        return new ProviderException(new JobError(type, what + ": " + failure.getMessage(), null, null, null), null, failure);
    }

    private static String connectionProblem(Throwable cause) {
        if (cause instanceof ConnectException) {
            return "cannot connect";
        }
        if (cause instanceof IOException || cause instanceof VertxException) {
            return "connection failed";
        }
        return "call failed";
    }

    /** A 2xx whose body is not a result: the provider's fault, retried (see {@link ProviderException#retryable()}). */
    public static ProviderException malformed(int status, String body, String requestId, String why) {
        return new ProviderException(new JobError(ErrorType.MALFORMED_RESPONSE, "malformed response: " + why, status,
                truncate(body), requestId), null);
    }

    /** A parameter (or parameter value) the provider has no equivalent for: the job fails before any call. */
    public static ProviderException unsupported(String parameter, String provider) {
        return new ProviderException(JobError.of(ErrorType.UNSUPPORTED_PARAMETER,
                "parameter '" + parameter + "' is not supported by " + provider), null);
    }

    /** A request that cannot be translated as it stands (not the provider's judgement: ours, before any call). */
    public static ProviderException invalid(String message) {
        return new ProviderException(JobError.of(ErrorType.INVALID_REQUEST, message), null);
    }

    /** At most {@link #MAX_BODY_BYTES} bytes of UTF-8, never splitting a character. */
    /**
     * The type an HTTP status alone says, for answers whose body names no more specific error: the one
     * fallback table every family's classifier ends in.
     */
    public static ErrorType typeOfStatus(int status) {
        return switch (status) {
            case 401 -> ErrorType.AUTHENTICATION;
            case 403 -> ErrorType.PERMISSION;
            case 404 -> ErrorType.NOT_FOUND;
            case 408, 504 -> ErrorType.TIMEOUT;
            case 429 -> ErrorType.RATE_LIMITED;
            case 503, 529 -> ErrorType.OVERLOADED;
            default -> status >= 500 ? ErrorType.SERVER_ERROR : ErrorType.INVALID_REQUEST;
        };
    }

    public static String truncate(String body) {
        if (body == null) {
            return null;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_BODY_BYTES) {
            return body;
        }
        int end = MAX_BODY_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // back up to the start of a multi-byte character
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
