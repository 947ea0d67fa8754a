package dev.railyard.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.provider.ProviderException;
import dev.railyard.schema.event.ErrorType;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GeminiErrorClassifierTest {
    private final GeminiErrorClassifier classifier = new GeminiErrorClassifier(new ObjectMapper(),
            Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC));

    /** Bodies as the Gemini API sends them (https://ai.google.dev/gemini-api/docs/troubleshooting). */
    static Stream<Arguments> answers() {
        return Stream.of(
                Arguments.of(400, """
                        {"error":{"code":400,"message":"* GenerateContentRequest.contents: contents is not specified\\n","status":"INVALID_ARGUMENT"}}""",
                        ErrorType.INVALID_REQUEST, false),
                Arguments.of(400, """
                        {"error":{"code":400,"message":"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}""",
                        ErrorType.CONTEXT_LENGTH_EXCEEDED, false),
                Arguments.of(400, """
                        {"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}""",
                        ErrorType.INVALID_REQUEST, false),
                Arguments.of(401, """
                        {"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}""",
                        ErrorType.AUTHENTICATION, false),
                Arguments.of(403, """
                        {"error":{"code":403,"message":"Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.","status":"PERMISSION_DENIED"}}""",
                        ErrorType.PERMISSION, false),
                Arguments.of(404, """
                        {"error":{"code":404,"message":"models/gemini-9.0-pro is not found for API version v1beta, or is not supported for generateContent.","status":"NOT_FOUND"}}""",
                        ErrorType.MODEL_NOT_FOUND, false),
                Arguments.of(429, """
                        {"error":{"code":429,"message":"You exceeded your current quota, please check your plan and billing details.","status":"RESOURCE_EXHAUSTED"}}""",
                        ErrorType.RATE_LIMITED, true),
                Arguments.of(500, """
                        {"error":{"code":500,"message":"An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting","status":"INTERNAL"}}""",
                        ErrorType.SERVER_ERROR, true),
                Arguments.of(503, """
                        {"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}""",
                        ErrorType.OVERLOADED, true),
                Arguments.of(504, """
                        {"error":{"code":504,"message":"The request timed out. Please try again.","status":"DEADLINE_EXCEEDED"}}""",
                        ErrorType.TIMEOUT, true),
                Arguments.of(502, "<html>Bad Gateway</html>", ErrorType.SERVER_ERROR, true));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("answers")
    void maps_gemini_errors_keeping_the_raw_body(int status, String body, ErrorType expected, boolean retryable) {
        ProviderException e = classifier.classify(status, Map.of("x-goog-request-id", "g-1")::get, body);

        assertThat(e.error().type()).isEqualTo(expected);
        assertThat(e.retryable()).isEqualTo(retryable);
        assertThat(e.error().httpStatus()).isEqualTo(status);
        assertThat(e.error().providerBody()).isEqualTo(body);
        assertThat(e.error().providerRequestId()).isEqualTo("g-1");
        assertThat(e.error().message()).isNotBlank();
    }

    @org.junit.jupiter.api.Test
    void a_blocked_prompt_is_a_permanent_content_filter_failure() {
        ProviderException e = GeminiErrorClassifier.blocked(200, "{\"promptFeedback\":{\"blockReason\":\"SAFETY\"}}", "SAFETY", null);

        assertThat(e.error().type()).isEqualTo(ErrorType.CONTENT_FILTERED);
        assertThat(e.retryable()).isFalse();
        assertThat(e.error().message()).contains("SAFETY");
    }
}
