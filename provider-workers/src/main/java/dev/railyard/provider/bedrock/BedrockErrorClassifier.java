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
            case "InternalServerException", "ModelErrorException" -> ErrorType.SERVER_ERROR;
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
