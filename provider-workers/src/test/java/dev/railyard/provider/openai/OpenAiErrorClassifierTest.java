package dev.railyard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.provider.ProviderException;
import dev.railyard.schema.event.ErrorType;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OpenAiErrorClassifierTest {
    private final OpenAiErrorClassifier classifier = new OpenAiErrorClassifier(new ObjectMapper(),
            Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC));

    /** Real bodies as OpenAI (and Azure OpenAI, and Anthropic-style gateways) send them. */
    static Stream<Arguments> answers() {
        return Stream.of(
                Arguments.of(400, """
                        {"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}""",
                        ErrorType.CONTEXT_LENGTH_EXCEEDED, false),
                Arguments.of(400, """
                        {"error":{"message":"Invalid type for 'messages[0].content': expected one of a string or array of objects, but got an integer instead.","type":"invalid_request_error","param":"messages[0].content","code":"invalid_type"}}""",
                        ErrorType.INVALID_REQUEST, false),
                Arguments.of(400, """
                        {"error":{"message":"We could not parse the JSON body of your request.","type":"invalid_request_error","param":null,"code":null}}""",
                        ErrorType.INVALID_REQUEST, false),
                Arguments.of(400, """
                        {"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","type":null,"param":"prompt","code":"content_filter","status":400}}""",
                        ErrorType.CONTENT_FILTERED, false),
                Arguments.of(400, """
                        {"error":{"message":"Your request was rejected as a result of our safety system.","type":"invalid_request_error","param":null,"code":"content_policy_violation"}}""",
                        ErrorType.CONTENT_FILTERED, false),
                Arguments.of(400, """
                        {"error":{"message":"Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.","type":"invalid_request_error","param":"max_tokens","code":"unsupported_parameter"}}""",
                        ErrorType.UNSUPPORTED_PARAMETER, false),
                Arguments.of(401, """
                        {"error":{"message":"Incorrect API key provided: sk-proj-****abcd. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""",
                        ErrorType.AUTHENTICATION, false),
                Arguments.of(403, """
                        {"error":{"code":"unsupported_country_region_territory","message":"Country, region, or territory not supported","param":null,"type":"request_forbidden"}}""",
                        ErrorType.PERMISSION, false),
                Arguments.of(404, """
                        {"error":{"message":"The model `gpt-5-turbo` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}""",
                        ErrorType.MODEL_NOT_FOUND, false),
                Arguments.of(404, """
                        {"error":{"message":"Invalid URL (POST /v1/chat/completion)","type":"invalid_request_error","param":null,"code":null}}""",
                        ErrorType.NOT_FOUND, false),
                Arguments.of(408, "", ErrorType.TIMEOUT, true),
                Arguments.of(429, """
                        {"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-abc on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms.","type":"requests","param":null,"code":"rate_limit_exceeded"}}""",
                        ErrorType.RATE_LIMITED, true),
                Arguments.of(429, """
                        {"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""",
                        ErrorType.PERMISSION, false),
                Arguments.of(500, """
                        {"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}""",
                        ErrorType.SERVER_ERROR, true),
                Arguments.of(502, "<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>",
                        ErrorType.SERVER_ERROR, true),
                Arguments.of(503, """
                        {"error":{"message":"The engine is currently overloaded, please try again later","type":"server_error","param":null,"code":null}}""",
                        ErrorType.OVERLOADED, true),
                Arguments.of(504, "", ErrorType.SERVER_ERROR, true),
                Arguments.of(529, """
                        {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""",
                        ErrorType.OVERLOADED, true),
                Arguments.of(418, "I'm a teapot", ErrorType.INVALID_REQUEST, false));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("answers")
    void maps_status_and_body_to_the_taxonomy_keeping_the_raw_body(int status, String body, ErrorType expected, boolean retryable) {
        ProviderException e = classifier.classify(status, Map.of("x-request-id", "req_123")::get, body);

        assertThat(e.error().type()).isEqualTo(expected);
        assertThat(e.retryable()).isEqualTo(retryable);
        assertThat(e.error().httpStatus()).isEqualTo(status);
        assertThat(e.error().providerBody()).isEqualTo(body);
        assertThat(e.error().providerRequestId()).isEqualTo("req_123");
        assertThat(e.error().message()).isNotBlank();
    }

    @Test
    void the_providers_message_becomes_the_error_message() {
        ProviderException e = classifier.classify(503, h -> null, """
                {"error":{"message":"The engine is currently overloaded, please try again later","type":"server_error","param":null,"code":null}}""");

        assertThat(e.error().message()).isEqualTo("The engine is currently overloaded, please try again later");
    }

    @Test
    void rate_limits_carry_the_providers_retry_after() {
        ProviderException e = classifier.classify(429, Map.of("retry-after", "1", "retry-after-ms", "20")::get,
                "{\"error\":{\"message\":\"slow down\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}");

        assertThat(e.retryAfter()).contains(Duration.ofMillis(20));
    }

    @Test
    void raw_bodies_are_kept_up_to_4_kb_without_splitting_characters() {
        String big = "é".repeat(3000); // 6000 bytes of UTF-8

        String kept = classifier.classify(500, h -> null, big).error().providerBody();

        assertThat(kept.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(4096);
        assertThat(big).startsWith(kept);
    }

    static Stream<Arguments> transportFailures() {
        return Stream.of(
                Arguments.of(new NoStackTraceTimeoutException("The timeout period of 200ms has been exceeded"), ErrorType.TIMEOUT),
                Arguments.of(new TimeoutException("timed out"), ErrorType.TIMEOUT),
                Arguments.of(new RuntimeException("wrapped", new TimeoutException("inner")), ErrorType.TIMEOUT),
                Arguments.of(new ConnectException("Connection refused"), ErrorType.SERVER_ERROR),
                Arguments.of(new HttpClosedException("Connection was closed"), ErrorType.SERVER_ERROR),
                Arguments.of(new java.io.IOException("Connection reset by peer"), ErrorType.SERVER_ERROR));
    }

    @ParameterizedTest
    @MethodSource("transportFailures")
    void calls_without_an_answer_are_retryable_timeouts_or_server_errors(Throwable failure, ErrorType expected) {
        ProviderException e = classifier.transportFailure(failure);

        assertThat(e.error().type()).isEqualTo(expected);
        assertThat(e.retryable()).isTrue();
        assertThat(e.error().httpStatus()).isNull();
        assertThat(e.getCause()).isSameAs(failure);
    }

    @Test
    void malformed_success_bodies_are_retried_as_a_provider_fault() {
        ProviderException e = classifier.malformed(200, Map.of("x-request-id", "req_9")::get, "{\"id\":\"chatcmpl-1\",\"cho", "not valid JSON");

        assertThat(e.error().type()).isEqualTo(ErrorType.MALFORMED_RESPONSE);
        assertThat(e.retryable()).isTrue();
        assertThat(e.error().providerBody()).isEqualTo("{\"id\":\"chatcmpl-1\",\"cho");
        assertThat(e.error().providerRequestId()).isEqualTo("req_9");
    }
}
