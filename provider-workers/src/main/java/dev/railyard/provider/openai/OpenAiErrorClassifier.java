package dev.railyard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.provider.ProviderException;
import dev.railyard.provider.http.ProviderFailures;
import dev.railyard.provider.retry.RetryAfter;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import java.io.IOException;
import java.time.Clock;
import java.util.Set;
import java.util.function.Function;

/**
 * Maps what an OpenAI-compatible API answered (status, headers, body) or how the call failed to the
 * one {@link ErrorType} taxonomy, keeping the provider's raw body (up to 4 KB) and request id.
 */
public final class OpenAiErrorClassifier {
    public static final int MAX_BODY_BYTES = ProviderFailures.MAX_BODY_BYTES;
    private static final Set<String> CONTENT_FILTER_CODES = Set.of("content_filter", "content_policy_violation");
    private static final Set<String> UNSUPPORTED_CODES = Set.of("unsupported_parameter", "unsupported_value");

    private final ObjectMapper mapper;
    private final Clock clock;

    public OpenAiErrorClassifier(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    /** An error answer (status other than 2xx). */
    public ProviderException classify(int status, Function<String, String> headers, String body) {
        JsonNode error = errorObject(body);
        String code = text(error, "code");
        String type = text(error, "type");
        String message = text(error, "message");
        ErrorType errorType = type(status, code, type);
        if (message == null) {
            message = "HTTP " + status + " from the provider";
        }
        return new ProviderException(
                new JobError(errorType, message, status, truncate(body), headers.apply("x-request-id")),
                RetryAfter.parse(headers, clock.instant()));
    }

    /**
     * The taxonomy by status, refined by OpenAI's error code (and type, which carries
     * {@code insufficient_quota} on some accounts). Exhausted quota is a 429 but no wait fixes it:
     * it is a permission problem until someone pays.
     */
    static ErrorType type(int status, String code, String type) {
        if (code == null) {
            code = ""; // immutable sets reject null lookups
        }
        return switch (status) {
            case 400, 422 -> {
                if ("context_length_exceeded".equals(code)) {
                    yield ErrorType.CONTEXT_LENGTH_EXCEEDED;
                } else if (CONTENT_FILTER_CODES.contains(code)) {
                    yield ErrorType.CONTENT_FILTERED;
                } else if (UNSUPPORTED_CODES.contains(code)) {
                    yield ErrorType.UNSUPPORTED_PARAMETER;
                }
                yield ErrorType.INVALID_REQUEST;
            }
            case 401 -> ErrorType.AUTHENTICATION;
            case 403 -> ErrorType.PERMISSION;
            case 404 -> "model_not_found".equals(code) ? ErrorType.MODEL_NOT_FOUND : ErrorType.NOT_FOUND;
            case 408 -> ErrorType.TIMEOUT;
            case 429 -> "insufficient_quota".equals(code) || "insufficient_quota".equals(type)
                    ? ErrorType.PERMISSION : ErrorType.RATE_LIMITED;
            case 503, 529 -> ErrorType.OVERLOADED;
            default -> status >= 500 ? ErrorType.SERVER_ERROR : ErrorType.INVALID_REQUEST;
        };
    }

    /**
     * An error sent inside a 200 stream ({@code data: {"error": {...}}}): the answer broke off after it
     * started, which is the provider's failure, so an unrecognised error counts as a server error.
     */
    public ProviderException streamError(String data) {
        JsonNode error = errorObject(data);
        String message = text(error, "message");
        ErrorType errorType = type(500, text(error, "code"), text(error, "type"));
        return new ProviderException(new JobError(errorType, "error in the stream: " + (message == null ? "unspecified" : message),
                200, truncate(data), null), null);
    }

    /** The call never got an answer: a timeout, or a connection refused, reset or closed (retryable). */
    public ProviderException transportFailure(Throwable failure) {
        return ProviderFailures.transportFailure(failure);
    }

    /** A 2xx whose body is not a result: the provider's fault, retried (see {@link ProviderException#retryable()}). */
    public ProviderException malformed(int status, Function<String, String> headers, String body, String why) {
        return ProviderFailures.malformed(status, body, headers.apply("x-request-id"), why);
    }

    private JsonNode errorObject(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode root = mapper.readTree(body);
            JsonNode error = root == null ? null : root.get("error");
            return error != null && error.isObject() ? error : null;
        } catch (IOException e) {
            return null; // an HTML page from a proxy, say: the status decides
        }
    }

    private static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static String truncate(String body) {
        return ProviderFailures.truncate(body);
    }
}
