package dev.railyard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.config.Deployment;
import dev.railyard.config.ProviderConfig;
import dev.railyard.provider.ProviderException;
import dev.railyard.provider.ProviderResponse;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.RailyardEvent;
import dev.railyard.schema.event.Usage;
import dev.railyard.simulator.Simulator;
import dev.railyard.simulator.SimulatorSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The adapter against the simulator over real HTTP: every outcome a provider can produce. */
class OpenAiCompatibleAdapterIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Deployment MINI = new Deployment("sim-mini", "sim", "gpt-4o-mini", "gpt-4o-mini-2024-07-18");
    private static Vertx vertx;
    private static Simulator simulator;
    private static OpenAiCompatibleAdapter adapter;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = new Simulator(vertx, SimulatorSettings.defaults().withRetryAfterMs(20).withTimeoutHoldMs(3_000));
        simulator.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        adapter = adapter(simulator.baseUrl(), "sk-test");
    }

    @AfterAll
    static void stop() throws Exception {
        adapter.close();
        simulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static OpenAiCompatibleAdapter adapter(String baseUrl, String key) {
        return new OpenAiCompatibleAdapter(vertx, new ProviderConfig("sim", "openai-compatible", baseUrl, key, false, false,
                Duration.ofMillis(300), 16), JSON, Clock.systemUTC());
    }

    private static JobSubmitted job(String endpoint, ObjectNode body) {
        return new JobSubmitted(RailyardEvent.CURRENT_SCHEMA_VERSION, UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                Instant.now(), "t", null, null, 0, endpoint, body.path("model").asText(), body, "standard", null, Map.of(), null);
    }

    private static JobSubmitted chat(String content) {
        ObjectNode body = JSON.createObjectNode().put("model", "gpt-4o-mini");
        body.putArray("messages").addObject().put("role", "user").put("content", content);
        return job("/v1/chat/completions", body);
    }

    private static ProviderResponse await(Future<ProviderResponse> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static ProviderException failure(OpenAiCompatibleAdapter a, JobSubmitted job) throws Exception {
        try {
            await(a.call(MINI, job));
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(ProviderException.class);
            return (ProviderException) e.getCause();
        }
        throw new AssertionError("the call succeeded");
    }

    @Test
    void a_chat_completion_comes_back_with_usage_and_the_providers_model() throws Exception {
        ProviderResponse r = await(adapter.call(MINI, chat("Hello")));

        assertThat(r.httpStatus()).isEqualTo(200);
        assertThat(r.body().path("object").asText()).isEqualTo("chat.completion");
        // the request named the deployment's provider model, and the answer keeps the provider's model
        assertThat(r.body().path("model").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(r.usage()).isEqualTo(new Usage(8, r.body().at("/usage/completion_tokens").asLong(), 0));
        assertThat(r.providerRequestId()).startsWith("req_");
        assertThat(r.latencyMs()).isNotNegative();
    }

    @Test
    void an_embedding_comes_back_with_prompt_usage() throws Exception {
        ObjectNode body = JSON.createObjectNode().put("model", "text-embedding-3-small").put("input", "hello world");
        Deployment small = new Deployment("sim-small", "sim", "text-embedding-3-small", "text-embedding-3-small");

        ProviderResponse r = await(adapter.call(small, job("/v1/embeddings", body)));

        assertThat(r.body().at("/data/0/embedding")).hasSize(1536);
        assertThat(r.usage().promptTokens()).isEqualTo(2);
        assertThat(r.usage().completionTokens()).isZero();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "[sim:status=400], INVALID_REQUEST, 400, false",
        "[sim:context_length], CONTEXT_LENGTH_EXCEEDED, 400, false",
        "[sim:content_filter], CONTENT_FILTERED, 400, false",
        "[sim:status=403], PERMISSION, 403, false",
        "[sim:status=404], MODEL_NOT_FOUND, 404, false",
        "[sim:insufficient_quota], PERMISSION, 429, false",
        "[sim:status=429], RATE_LIMITED, 429, true",
        "[sim:status=500], SERVER_ERROR, 500, true",
        "[sim:status=502], SERVER_ERROR, 502, true",
        "[sim:status=503], OVERLOADED, 503, true",
        "[sim:malformed], MALFORMED_RESPONSE, 200, true"})
    void provider_errors_are_classified_with_the_raw_body_kept(String directive, ErrorType type, int status, boolean retryable)
            throws Exception {
        ProviderException e = failure(adapter, chat(directive + " please"));

        assertThat(e.error().type()).isEqualTo(type);
        assertThat(e.error().httpStatus()).isEqualTo(status);
        assertThat(e.retryable()).isEqualTo(retryable);
        assertThat(e.error().providerBody()).isNotBlank();
        assertThat(e.error().providerRequestId()).startsWith("req_");
        if (status != 200) {
            assertThat(JSON.readTree(e.error().providerBody()).has("error")).isTrue();
        }
    }

    @Test
    void rate_limits_carry_the_simulators_retry_after_ms() throws Exception {
        ProviderException e = failure(adapter, chat("[sim:status=429]"));

        assertThat(e.retryAfter()).contains(Duration.ofMillis(20));
    }

    @Test
    void a_provider_that_does_not_answer_in_time_is_a_timeout() throws Exception {
        ProviderException e = failure(adapter, chat("[sim:timeout]"));

        assertThat(e.error().type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void a_missing_key_is_an_authentication_error() throws Exception {
        try (OpenAiCompatibleAdapter keyless = adapter(simulator.baseUrl(), "")) {
            ProviderException e = failure(keyless, chat("hi"));

            assertThat(e.error().type()).isEqualTo(ErrorType.AUTHENTICATION);
            assertThat(e.error().providerBody()).contains("invalid_api_key");
        }
    }

    @Test
    void a_refused_connection_is_a_retryable_server_error() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (OpenAiCompatibleAdapter nowhere = adapter("http://127.0.0.1:" + closedPort + "/v1", "k")) {
            ProviderException e = failure(nowhere, chat("hi"));

            assertThat(e.error().type()).isEqualTo(ErrorType.SERVER_ERROR);
            assertThat(e.retryable()).isTrue();
        }
    }
}
