package dev.railyard.provider.anthropic;

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
 * Anthropic's errors ({@code {"type":"error","error":{"type":"overloaded_error","message":...}}},
 * https://docs.anthropic.com/en/api/errors) in the one taxonomy, keeping the raw body and the
 * {@code request-id} header.
 */
final class AnthropicErrorClassifier {
    static final String REQUEST_ID = "request-id";

    private final ObjectMapper mapper;
    private final Clock clock;

    AnthropicErrorClassifier(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    ProviderException classify(int status, Function<String, String> headers, String body) {
        JsonNode error = error(body);
        String type = error.path("type").asText("");
        String message = error.path("message").asText("");
        return new ProviderException(
                new JobError(type(status, type, message), message.isEmpty() ? "HTTP " + status + " from anthropic" : message,
                        status, ProviderFailures.truncate(body), headers.apply(REQUEST_ID)),
                RetryAfter.parse(headers, clock.instant()));
    }

    /**
     * An {@code event: error} inside a 200 stream ({@code {"type":"error","error":{...}}}): classified by
     * Anthropic's error type; an unknown one is the provider's failure mid-answer, so a server error.
     */
    ProviderException streamError(String data) {
        JsonNode error = error(data);
        String type = error.path("type").asText("");
        String message = error.path("message").asText("");
        return new ProviderException(new JobError(type(500, type, message),
                "error in the stream: " + (message.isEmpty() ? type : message), 200, ProviderFailures.truncate(data), null), null);
    }

    /** By Anthropic's error type first (it is precise), by status when the body is not Anthropic's. */
    static ErrorType type(int status, String type, String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        return switch (type) {
            case "invalid_request_error" -> lower.contains("prompt is too long") || lower.contains("context window")
                    ? ErrorType.CONTEXT_LENGTH_EXCEEDED : ErrorType.INVALID_REQUEST;
            case "authentication_error" -> ErrorType.AUTHENTICATION;
            case "permission_error", "billing_error" -> ErrorType.PERMISSION;
            case "not_found_error" -> lower.startsWith("model:") ? ErrorType.MODEL_NOT_FOUND : ErrorType.NOT_FOUND;
            case "request_too_large" -> ErrorType.INVALID_REQUEST;
            case "rate_limit_error" -> ErrorType.RATE_LIMITED;
            case "overloaded_error" -> ErrorType.OVERLOADED;
            case "timeout_error" -> ErrorType.TIMEOUT;
            case "api_error" -> ErrorType.SERVER_ERROR;
            default -> ProviderFailures.typeOfStatus(status);
        };
    }

    private JsonNode error(String body) {
        try {
            JsonNode root = body == null || body.isBlank() ? null : mapper.readTree(body);
            return root == null ? mapper.missingNode() : root.path("error");
        } catch (IOException e) {
            return mapper.missingNode(); // a proxy's HTML page: the status decides
        }
    }
}
