package dev.railyard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.config.Deployment;
import dev.railyard.config.ProviderConfig;
import dev.railyard.provider.ProviderException;
import dev.railyard.provider.ProviderResponse;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.RailyardEvent;
import dev.railyard.simulator.Simulator;
import dev.railyard.simulator.SimulatorSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Bedrock adapter with {@code stream: true} against the simulator's ConverseStream over real HTTP: SigV4
 * verified, AWS's binary event stream decoded, the answer assembled into the chat.completion Converse gives.
 */
class BedrockStreamingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Deployment NOVA = new Deployment("bedrock-nova", "bedrock", "nova-lite", "amazon.nova-lite-v1:0");
    private static Vertx vertx;
    private static Simulator simulator;
    private static BedrockAdapter streaming;
    private static BedrockAdapter buffered;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = new Simulator(vertx, SimulatorSettings.defaults());
        simulator.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        streaming = adapter(true);
        buffered = adapter(false);
    }

    @AfterAll
    static void stop() throws Exception {
        streaming.close();
        buffered.close();
        simulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static BedrockAdapter adapter(boolean stream) {
        Map<String, String> options = new HashMap<>(Map.of("region", "us-east-1",
                "access_key_id", SimulatorSettings.AWS_ACCESS_KEY_ID, "secret_access_key", SimulatorSettings.AWS_SECRET_ACCESS_KEY));
        if (stream) {
            options.put("stream", "true");
        }
        return new BedrockAdapter(vertx, new ProviderConfig("aws", "bedrock", simulator.rootUrl(), "", false, false,
                Duration.ofSeconds(10), 8, options), JSON, Clock.systemUTC());
    }

    private static JobSubmitted chat(String content, boolean tools) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("model", "nova-lite").put("max_tokens", 200);
        body.putArray("messages").addObject().put("role", "system").put("content", "Be brief.");
        body.withArray("messages").addObject().put("role", "user").put("content", content);
        if (tools) {
            body.set("tools", JSON.readTree("""
                    [{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
                      "properties":{"city":{"type":"string"}},"required":["city"]}}}]"""));
        }
        return new JobSubmitted(RailyardEvent.CURRENT_SCHEMA_VERSION, UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                Instant.now(), "t", null, null, 0, "/v1/chat/completions", "nova-lite", body, "standard", null, Map.of(), null);
    }

    private static ProviderResponse await(Future<ProviderResponse> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static ProviderException failure(JobSubmitted job) throws Exception {
        try {
            await(streaming.call(NOVA, job));
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(ProviderException.class);
            return (ProviderException) e.getCause();
        }
        throw new AssertionError("the call succeeded");
    }

    /** The chat.completion without what differs per call (its id, from the request id, and its creation second). */
    private static JsonNode comparable(ProviderResponse r) {
        ObjectNode body = r.body().deepCopy();
        body.remove("id");
        body.remove("created");
        return body;
    }

    @Test
    void a_streamed_text_answer_is_the_chat_completion_converse_returns_with_its_time_to_first_token() throws Exception {
        JobSubmitted job = chat("Say hi [sim:latency=200]", false);

        ProviderResponse streamed = await(streaming.call(NOVA, job));
        ProviderResponse whole = await(buffered.call(NOVA, job));

        assertThat(comparable(streamed)).isEqualTo(comparable(whole));
        assertThat(streamed.body().at("/choices/0/message/content").asText()).isNotBlank();
        assertThat(streamed.body().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(streamed.usage()).isEqualTo(whole.usage());
        assertThat(streamed.usage().completionTokens()).isGreaterThan(1);
        assertThat(streamed.providerRequestId()).hasSize(36);
        assertThat(streamed.body().path("id").asText()).isEqualTo("chatcmpl-" + streamed.providerRequestId());
        // 200 ms spread over the frames: the first text comes well before the end
        assertThat(streamed.timeToFirstTokenMs()).isNotNull().isBetween(0L, streamed.latencyMs());
        assertThat(streamed.outputTokensPerSecond()).isNotNull().isPositive();
        assertThat(whole.timeToFirstTokenMs()).isNull();
    }

    @Test
    void a_streamed_tool_call_is_the_same_tool_call_converse_returns() throws Exception {
        JobSubmitted job = chat("Weather in Paris? [sim:tool]", true);

        ProviderResponse streamed = await(streaming.call(NOVA, job));
        ProviderResponse whole = await(buffered.call(NOVA, job));

        JsonNode call = streamed.body().at("/choices/0/message/tool_calls/0");
        assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.at("/function/arguments").asText()).path("city").isTextual()).isTrue();
        assertThat(call.path("id").asText()).startsWith("tooluse_");
        assertThat(streamed.body().at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(streamed.usage()).isEqualTo(whole.usage());
        // the tool-use id is random per call; everything else matches Converse's answer
        ObjectNode a = (ObjectNode) comparable(streamed);
        ObjectNode b = (ObjectNode) comparable(whole);
        ((ObjectNode) a.at("/choices/0/message/tool_calls/0")).remove("id");
        ((ObjectNode) b.at("/choices/0/message/tool_calls/0")).remove("id");
        assertThat(a).isEqualTo(b);
        assertThat(streamed.timeToFirstTokenMs()).isNotNull();
    }

    @Test
    void a_filtered_stream_finishes_with_content_filter() throws Exception {
        ProviderResponse r = await(streaming.call(NOVA, chat("[sim:content_filter] hi", false)));

        assertThat(r.body().at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
        assertThat(r.timeToFirstTokenMs()).as("no output, no first token").isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "[sim:status=429], RATE_LIMITED, Too many requests",
        "[sim:status=500], SERVER_ERROR, unexpected error",
        "[sim:status=503], OVERLOADED, unable to process",
        "[sim:status=424], SERVER_ERROR, The model returned an error"})
    void an_exception_mid_stream_is_classified_by_the_bedrock_classifier(String directive, ErrorType type, String message)
            throws Exception {
        ProviderException e = failure(chat(directive + " hi", false));

        assertThat(e.error().type()).isEqualTo(type);
        assertThat(e.error().httpStatus()).isEqualTo(200);
        assertThat(e.error().message()).startsWith("error in the stream: ").contains(message);
        assertThat(e.error().providerBody()).contains(message);
        assertThat(e.retryable()).isTrue();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "[sim:status=400], INVALID_REQUEST, 400",
        "[sim:context_length], CONTEXT_LENGTH_EXCEEDED, 400",
        "[sim:status=403], PERMISSION, 403",
        "[sim:status=408], TIMEOUT, 408"})
    void an_error_before_the_stream_is_classified_from_its_http_answer(String directive, ErrorType type, int status) throws Exception {
        ProviderException e = failure(chat(directive + " hi", false));

        assertThat(e.error().type()).isEqualTo(type);
        assertThat(e.error().httpStatus()).isEqualTo(status);
        assertThat(e.error().providerRequestId()).isNotBlank();
    }

    @Test
    void a_stream_signed_with_the_wrong_secret_is_refused() throws Exception {
        Map<String, String> options = Map.of("region", "us-east-1", "access_key_id", SimulatorSettings.AWS_ACCESS_KEY_ID,
                "secret_access_key", "not-the-secret", "stream", "true");
        BedrockAdapter wrong = new BedrockAdapter(vertx, new ProviderConfig("aws", "bedrock", simulator.rootUrl(), "", false, false,
                Duration.ofSeconds(10), 2, options), JSON, Clock.systemUTC());
        try {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> await(wrong.call(NOVA, chat("hi", false))));

            assertThat(((ProviderException) e.getCause()).error().type()).isEqualTo(ErrorType.AUTHENTICATION);
        } finally {
            wrong.close();
        }
    }
}
