package dev.railyard.provider.bedrock;

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
 * Bedrock's errors in the one taxonomy: the exception name comes in the {@code x-amzn-ErrorType}
 * header ({@code ThrottlingException:http://internal.amazon.com/...}) or the body's {@code __type},
 * the text in {@code {"message":...}}; the request id in {@code x-amzn-RequestId}.
 */
final class BedrockErrorClassifier {
    static final String REQUEST_ID = "x-amzn-RequestId";

    private final ObjectMapper mapper;
    private final Clock clock;

    BedrockErrorClassifier(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    ProviderException classify(int status, Function<String, String> headers, String body) {
        JsonNode json = json(body);
        String message = json.path("message").asText(json.path("Message").asText(""));
        String name = errorName(headers.apply("x-amzn-ErrorType"), json.path("__type").asText(""));
        return new ProviderException(
                new JobError(type(status, name, message), message.isEmpty() ? "HTTP " + status + " from bedrock"
                        + (name.isEmpty() ? "" : " (" + name + ")") : message,
                        status, ProviderFailures.truncate(body), headers.apply(REQUEST_ID)),
                RetryAfter.parse(headers, clock.instant()));
    }

    /**
     * An exception message inside a 200 ConverseStream ({@code :message-type} {@code exception}): the
     * {@code :exception-type} is the union member's name ({@code throttlingException}), the payload
     * {@code {"message":...}}. Classified as the same exception answered over HTTP.
     */
    ProviderException streamException(String exceptionType, String payload) {
        String message = json(payload).path("message").asText("");
        String name = capitalized(exceptionType);
        return streamFailure(type(500, name, message), name, message, payload);
    }

    /**
     * An unmodeled error message inside a stream ({@code :message-type} {@code error}, with
     * {@code :error-code} and {@code :error-message} headers): classified by the code where it names a
     * known exception, else the provider failing mid-answer, a server error.
     */
    ProviderException streamError(String errorCode, String errorMessage) {
        String name = capitalized(errorName(errorCode, ""));
        String message = errorMessage == null ? "" : errorMessage;
        return streamFailure(type(500, name, message), name, message, name + ": " + message);
    }

    /** {@code throttlingException} (a stream union member) → {@code ThrottlingException} (the shape). */
    private static String capitalized(String name) {
        return name == null || name.isEmpty() ? "" : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private static ProviderException streamFailure(ErrorType type, String name, String message, String raw) {
        return new ProviderException(new JobError(type, "error in the stream: " + (message.isEmpty() ? name : message), 200,
                ProviderFailures.truncate(raw), null), null);
    }

    /** {@code ThrottlingException:http://...} or {@code com.amazon.coral#ThrottlingException} → {@code ThrottlingException}. */
    static String errorName(String header, String bodyType) {
        String raw = header != null && !header.isBlank() ? header : bodyType;
        int colon = raw.indexOf(':');
        if (colon >= 0) {
            raw = raw.substring(0, colon);
        }
        int hash = raw.indexOf('#');
        return hash >= 0 ? raw.substring(hash + 1) : raw;
    }

    static ErrorType type(int status, String name, String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        return switch (name) {
            case "ThrottlingException", "ServiceQuotaExceededException", "TooManyRequestsException" -> ErrorType.RATE_LIMITED;
            case "ModelNotReadyException", "ServiceUnavailableException" -> ErrorType.OVERLOADED;
            case "ModelTimeoutException" -> ErrorType.TIMEOUT;
            case "InternalServerException", "ModelErrorException", "ModelStreamErrorException" -> ErrorType.SERVER_ERROR;
            case "ValidationException" -> lower.contains("too long") || lower.contains("input is too long")
                    || lower.contains("context length") || lower.contains("too many input tokens")
                    ? ErrorType.CONTEXT_LENGTH_EXCEEDED : ErrorType.INVALID_REQUEST;
            case "AccessDeniedException" -> ErrorType.PERMISSION;
            case "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignatureException",
                 "ExpiredTokenException", "MissingAuthenticationTokenException" -> ErrorType.AUTHENTICATION;
            case "ResourceNotFoundException" -> ErrorType.MODEL_NOT_FOUND;
            default -> ProviderFailures.typeOfStatus(status);
        };
    }

    private JsonNode json(String body) {
        try {
            JsonNode root = body == null || body.isBlank() ? null : mapper.readTree(body);
            return root == null ? mapper.missingNode() : root;
        } catch (IOException e) {
            return mapper.missingNode();
        }
    }
}
