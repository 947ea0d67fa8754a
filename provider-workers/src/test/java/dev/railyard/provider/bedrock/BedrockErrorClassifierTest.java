package dev.railyard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.provider.ProviderException;
import dev.railyard.schema.event.ErrorType;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class BedrockErrorClassifierTest {
    private final BedrockErrorClassifier classifier = new BedrockErrorClassifier(new ObjectMapper(),
            Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC));

    /** Bodies and x-amzn-ErrorType headers as Bedrock Runtime sends them. */
    static Stream<Arguments> answers() {
        return Stream.of(
                Arguments.of(429, "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/",
                        "{\"message\":\"Too many requests, please wait before trying again.\"}", ErrorType.RATE_LIMITED, true),
                Arguments.of(503, "ServiceUnavailableException:http://internal.amazon.com/coral/com.amazon.bedrock/",
                        "{\"message\":\"Bedrock is unable to process your request.\"}", ErrorType.OVERLOADED, true),
                Arguments.of(408, "ModelTimeoutException:http://internal.amazon.com/coral/com.amazon.bedrock/",
                        "{\"message\":\"Model has timed out in processing the request. Try your request again.\"}", ErrorType.TIMEOUT, true),
                Arguments.of(429, "ModelNotReadyException:http://internal.amazon.com/coral/com.amazon.bedrock/",
                        "{\"message\":\"Model is not ready for inference. Wait and try your request again.\"}", ErrorType.OVERLOADED, true),
                Arguments.of(500, "InternalServerException:http://internal.amazon.com/coral/com.amazon.bedrock/",
                        "{\"message\":\"The system encountered an unexpected error during processing. Try your request again.\"}", ErrorType.SERVER_ERROR, true),
                Arguments.of(400, "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/",
                        "{\"message\":\"Input is too long for requested model.\"}", ErrorType.CONTEXT_LENGTH_EXCEEDED, false),
                Arguments.of(400, "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/",
                        "{\"message\":\"The model returned the following errors: prompt is too long: 210000 tokens > 200000 maximum\"}", ErrorType.CONTEXT_LENGTH_EXCEEDED, false),
                Arguments.of(400, "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/",
                        "{\"message\":\"The provided model identifier is invalid.\"}", ErrorType.INVALID_REQUEST, false),
                Arguments.of(403, "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.bedrock/",
                        "{\"message\":\"You don't have access to the model with the specified model ID.\"}", ErrorType.PERMISSION, false),
                Arguments.of(403, "InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/",
                        "{\"message\":\"The request signature we calculated does not match the signature you provided.\"}", ErrorType.AUTHENTICATION, false),
                Arguments.of(403, "UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/",
                        "{\"message\":\"The security token included in the request is invalid.\"}", ErrorType.AUTHENTICATION, false),
                Arguments.of(404, "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.bedrock/",
                        "{\"message\":\"Model not found.\"}", ErrorType.MODEL_NOT_FOUND, false),
                Arguments.of(429, null, "{\"__type\":\"com.amazon.coral.availability#ThrottlingException\",\"message\":\"Rate exceeded\"}",
                        ErrorType.RATE_LIMITED, true),
                Arguments.of(502, null, "<html>Bad Gateway</html>", ErrorType.SERVER_ERROR, true));
    }

    @ParameterizedTest(name = "{0} {3}")
    @MethodSource("answers")
    void maps_bedrock_errors_keeping_body_and_request_id(int status, String errorType, String body, ErrorType expected, boolean retryable) {
        Map<String, String> headers = new HashMap<>(Map.of("x-amzn-RequestId", "4b1a2f7e-0000-4000-8000-000000000001"));
        if (errorType != null) {
            headers.put("x-amzn-ErrorType", errorType);
        }
        ProviderException e = classifier.classify(status, headers::get, body);

        assertThat(e.error().type()).isEqualTo(expected);
        assertThat(e.retryable()).isEqualTo(retryable);
        assertThat(e.error().httpStatus()).isEqualTo(status);
        assertThat(e.error().providerBody()).isEqualTo(body);
        assertThat(e.error().providerRequestId()).isEqualTo("4b1a2f7e-0000-4000-8000-000000000001");
        assertThat(e.error().message()).isNotBlank();
    }

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', value = {
        "throttlingException         | {\"message\":\"Too many tokens, please wait before trying again.\"} | RATE_LIMITED",
        "serviceUnavailableException | {\"message\":\"Bedrock is unable to process your request.\"}        | OVERLOADED",
        "internalServerException     | {\"message\":\"The system encountered an unexpected error.\"}      | SERVER_ERROR",
        "modelStreamErrorException   | {\"message\":\"Model error\",\"originalStatusCode\":500}            | SERVER_ERROR",
        "validationException         | {\"message\":\"Input is too long for requested model.\"}           | CONTEXT_LENGTH_EXCEEDED",
        "validationException         | {\"message\":\"Malformed input request.\"}                         | INVALID_REQUEST",
        "somethingNewException       | {\"message\":\"new\"}                                              | SERVER_ERROR"})
    void an_exception_message_mid_stream_maps_like_the_same_exception_over_http(String exceptionType, String payload,
                                                                               ErrorType expected) {
        ProviderException e = classifier.streamException(exceptionType, payload);

        assertThat(e.error().type()).isEqualTo(expected);
        assertThat(e.error().httpStatus()).isEqualTo(200);
        assertThat(e.error().message()).startsWith("error in the stream: ");
        assertThat(e.error().providerBody()).isEqualTo(payload);
    }

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource({
        "InternalFailure, An internal error occurred., SERVER_ERROR",
        "ThrottlingException, Rate exceeded, RATE_LIMITED",
        "'', '', SERVER_ERROR"})
    void an_unmodeled_error_message_mid_stream_maps_by_its_code(String code, String message, ErrorType expected) {
        ProviderException e = classifier.streamError(code, message);

        assertThat(e.error().type()).isEqualTo(expected);
        assertThat(e.error().providerBody()).contains(code);
        assertThat(e.retryable()).isEqualTo(expected.retryable());
    }
}
