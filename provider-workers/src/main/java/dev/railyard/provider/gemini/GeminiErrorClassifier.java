package dev.railyard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.provider.ProviderException;
import dev.railyard.provider.http.ProviderFailures;
import dev.railyard.provider.retry.RetryAfter;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import java.io.IOException;
import java.time.Clock;
import java.util.Locale;
import java.util.function.Function;

/**
 * Gemini's errors (Google's {@code {"error":{"code":429,"message":...,"status":"RESOURCE_EXHAUSTED"}}},
 * https://ai.google.dev/gemini-api/docs/troubleshooting) in the one taxonomy, keeping the raw body.
 */
final class GeminiErrorClassifier {
    /** Google front ends answer with this request id header. */
    static final String REQUEST_ID = "x-goog-request-id";

    private final ObjectMapper mapper;
    private final Clock clock;

    GeminiErrorClassifier(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    ProviderException classify(int status, Function<String, String> headers, String body) {
        JsonNode error = error(body);
        String message = error.path("message").asText("");
        return new ProviderException(
                new JobError(type(status, error.path("status").asText(""), message),
                        message.isEmpty() ? "HTTP " + status + " from gemini" : message,
                        status, ProviderFailures.truncate(body), headers.apply(REQUEST_ID)),
                RetryAfter.parse(headers, clock.instant()));
    }

    /**
     * An error inside a 200 stream ({@code data: {"error": {...}}}): by Google's status; an unknown one
     * is the provider's failure mid-answer, so a server error.
     */
    ProviderException streamError(String data) {
        JsonNode error = error(data);
        String message = error.path("message").asText("");
        return new ProviderException(new JobError(type(500, error.path("status").asText(""), message),
                "error in the stream: " + (message.isEmpty() ? "unspecified" : message), 200, ProviderFailures.truncate(data), null),
                null);
    }

    /** A 200 whose prompt Gemini refused to answer ({@code promptFeedback.blockReason}). */
    static ProviderException blocked(int status, String body, String reason, String requestId) {
        return new ProviderException(new JobError(ErrorType.CONTENT_FILTERED, "gemini blocked the prompt: " + reason, status,
                ProviderFailures.truncate(body), requestId), null);
    }

    static ErrorType type(int status, String googleStatus, String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        return switch (googleStatus) {
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE" ->
                    lower.contains("exceeds the maximum number of tokens") || lower.contains("input token count")
                            ? ErrorType.CONTEXT_LENGTH_EXCEEDED : ErrorType.INVALID_REQUEST;
            case "UNAUTHENTICATED" -> ErrorType.AUTHENTICATION;
            case "PERMISSION_DENIED" -> ErrorType.PERMISSION;
            case "NOT_FOUND" -> lower.contains("models/") ? ErrorType.MODEL_NOT_FOUND : ErrorType.NOT_FOUND;
            case "RESOURCE_EXHAUSTED" -> ErrorType.RATE_LIMITED;
            case "UNAVAILABLE" -> ErrorType.OVERLOADED;
            case "DEADLINE_EXCEEDED" -> ErrorType.TIMEOUT;
            case "INTERNAL", "UNKNOWN" -> ErrorType.SERVER_ERROR;
            default -> ProviderFailures.typeOfStatus(status);
        };
    }

    private JsonNode error(String body) {
        try {
            JsonNode root = body == null || body.isBlank() ? null : mapper.readTree(body);
            // Some Google front ends wrap the error in a one-element array.
            if (root != null && root.isArray() && !root.isEmpty()) {
                root = root.get(0);
            }
            return root == null ? mapper.missingNode() : root.path("error");
        } catch (IOException e) {
            return mapper.missingNode();
        }
    }
}
