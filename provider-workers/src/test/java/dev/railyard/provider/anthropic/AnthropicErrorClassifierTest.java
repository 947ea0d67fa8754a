package dev.railyard.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.provider.ProviderException;
import dev.railyard.schema.event.ErrorType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AnthropicErrorClassifierTest {
    private final AnthropicErrorClassifier classifier = new AnthropicErrorClassifier(new ObjectMapper(),
            Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC));

    /** Bodies as Anthropic documents and sends them (https://docs.anthropic.com/en/api/errors). */
    static Stream<Arguments> answers() {
        return Stream.of(
                Arguments.of(400, """
                        {"type":"error","error":{"type":"invalid_request_error","message":"messages: roles must alternate between \\"user\\" and \\"assistant\\", but found multiple \\"user\\" roles in a row"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}""",
                        ErrorType.INVALID_REQUEST, false),
                Arguments.of(400, """
                        {"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 215000 tokens > 200000 maximum"}}""",
                        ErrorType.CONTEXT_LENGTH_EXCEEDED, false),
                Arguments.of(401, """
                        {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}""",
                        ErrorType.AUTHENTICATION, false),
                Arguments.of(403, """
                        {"type":"error","error":{"type":"permission_error","message":"Your API key does not have permission to use the specified resource."}}""",
                        ErrorType.PERMISSION, false),
                Arguments.of(404, """
                        {"type":"error","error":{"type":"not_found_error","message":"model: claude-9-opus"}}""",
                        ErrorType.MODEL_NOT_FOUND, false),
                Arguments.of(404, """
                        {"type":"error","error":{"type":"not_found_error","message":"Not Found"}}""",
                        ErrorType.NOT_FOUND, false),
                Arguments.of(413, """
                        {"type":"error","error":{"type":"request_too_large","message":"Request exceeds the maximum allowed number of bytes."}}""",
                        ErrorType.INVALID_REQUEST, false),
                Arguments.of(429, """
                        {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed the rate limit for your organization of 50 requests per minute."}}""",
                        ErrorType.RATE_LIMITED, true),
                Arguments.of(500, """
                        {"type":"error","error":{"type":"api_error","message":"Internal server error"}}""",
                        ErrorType.SERVER_ERROR, true),
                Arguments.of(529, """
                        {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""",
                        ErrorType.OVERLOADED, true),
                Arguments.of(502, "<html><body>Bad Gateway</body></html>", ErrorType.SERVER_ERROR, true),
                Arguments.of(529, "", ErrorType.OVERLOADED, true));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("answers")
    void maps_anthropic_errors_keeping_body_and_request_id(int status, String body, ErrorType expected, boolean retryable) {
        ProviderException e = classifier.classify(status, Map.of("request-id", "req_018EeWyXxfu5pfWkrYcMdjWG")::get, body);

        assertThat(e.error().type()).isEqualTo(expected);
        assertThat(e.retryable()).isEqualTo(retryable);
        assertThat(e.error().httpStatus()).isEqualTo(status);
        assertThat(e.error().providerBody()).isEqualTo(body);
        assertThat(e.error().providerRequestId()).isEqualTo("req_018EeWyXxfu5pfWkrYcMdjWG");
        assertThat(e.error().message()).isNotBlank();
    }

    @org.junit.jupiter.api.Test
    void rate_limits_carry_retry_after() {
        ProviderException e = classifier.classify(429, Map.of("retry-after", "7")::get,
                "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}");

        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(e.error().message()).isEqualTo("slow down");
    }
}
