package dev.railyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.ConflictException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.batches.BatchCreateParams;
import com.anthropic.models.messages.batches.BatchListPage;
import com.anthropic.models.messages.batches.BatchListParams;
import com.anthropic.models.messages.batches.MessageBatch;
import com.anthropic.models.messages.batches.MessageBatchIndividualResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.simulator.SimulatorSettings;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Message Batches API driven by the official Anthropic Java client (responses validated by the client) against a
 * running platform whose Claude models are the simulated Anthropic API, 4 calls at a time. The platform has a database
 * of its own and a real API key, used both as {@code x-api-key} and as {@code Authorization: Bearer}.
 */
@ExtendWith(SharedInfrastructure.class)
class MessageBatchesAnthropicIT {
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Platform platform;
    private static AnthropicClient withApiKey;
    private static AnthropicClient withBearer;
    private static String secret;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers, @TempDir Path dir) throws Exception {
        // A database of its own: the key made here would close the open API other test classes use.
        String name = "anthropic_batches_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = servers.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
        String url = servers.jdbcUrl().replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + name);
        Path config = dir.resolve("railyard.yaml");
        try (InputStream in = MessageBatchesAnthropicIT.class.getResourceAsStream("/anthropic-batches-railyard.yaml")) {
            Files.write(config, in.readAllBytes());
        }
        platform = Platform.start(PlatformSettings.embedded(dir)
                .withExternal(servers.bootstrapServers(), url, servers.dbUser(), servers.dbPassword())
                .withConfigFile(config)
                .withSimulator(new SimulatorSettings(0, 200, 0, 0.0, 10, 2500, 7)));
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(platform.apiBaseUrl() + "/v1/admin/keys"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\":\"claude-team\",\"scopes\":[\"admin\",\"submit\",\"read\"]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        secret = E2e.JSON.readTree(created.body()).path("secret").asText();
        withApiKey = client(builder -> builder.apiKey(secret));
        withBearer = client(builder -> builder.authToken(secret));
    }

    private static AnthropicClient client(Function<AnthropicOkHttpClient.Builder, AnthropicOkHttpClient.Builder> auth) {
        return auth.apply(AnthropicOkHttpClient.builder()
                        .baseUrl(platform.apiBaseUrl())
                        .putHeader("anthropic-beta", "message-batches-2024-09-24") // accepted and ignored
                        .responseValidation(true) // the client refuses an answer missing anything Anthropic's would have
                        .maxRetries(0))
                .build();
    }

    @AfterAll
    static void stop() {
        for (AnthropicClient c : new AnthropicClient[] {withApiKey, withBearer}) {
            if (c != null) {
                c.close();
            }
        }
        if (platform != null) {
            platform.close();
        }
    }

    private static BatchCreateParams.Request request(String customId, String model, String text) {
        return BatchCreateParams.Request.builder()
                .customId(customId)
                .params(BatchCreateParams.Request.Params.builder()
                        .model(model)
                        .maxTokens(64L)
                        .system("You are terse.")
                        .addUserMessage(text)
                        .build())
                .build();
    }

    private static MessageBatch awaitEnded(AnthropicClient client, String id) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (true) {
            MessageBatch batch = client.messages().batches().retrieve(id);
            if (batch.processingStatus() == MessageBatch.ProcessingStatus.ENDED) {
                return batch;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("batch " + id + " did not end within " + WAIT + ": " + batch);
            }
            Thread.sleep(200); // polling interval of the await, not a synchronisation point
        }
    }

    private static Map<String, MessageBatchIndividualResponse> results(AnthropicClient client, String id) {
        try (StreamResponse<MessageBatchIndividualResponse> stream = client.messages().batches().resultsStreaming(id)) {
            return stream.stream().collect(Collectors.toMap(MessageBatchIndividualResponse::customId, r -> r));
        }
    }

    @Test
    void a_batch_runs_to_succeeded_and_errored_results_with_claude_messages() throws Exception {
        MessageBatch created = withApiKey.messages().batches().create(BatchCreateParams.builder()
                .addRequest(request("hello-1", "claude-haiku-4-5", "Say hello to Railyard."))
                .addRequest(request("hello-2", "claude-sonnet-4-5", "Name a colour."))
                .addRequest(request("hello-3", "claude-haiku-4-5", "Count to three."))
                .addRequest(request("bad-1", "claude-haiku-4-5", "This one fails [sim:status=400]"))
                .build());

        assertThat(created.id()).startsWith("msgbatch_");
        assertThat(created.processingStatus()).isIn(MessageBatch.ProcessingStatus.IN_PROGRESS, MessageBatch.ProcessingStatus.ENDED);
        assertThat(created.requestCounts().processing() + created.requestCounts().succeeded()
                + created.requestCounts().errored()).isEqualTo(4);
        assertThat(created.expiresAt()).isAfter(created.createdAt().plusHours(23));
        assertThat(created.archivedAt()).isEmpty();
        assertThat(created.cancelInitiatedAt()).isEmpty();

        MessageBatch ended = awaitEnded(withBearer, created.id());
        assertThat(ended.requestCounts().succeeded()).isEqualTo(3);
        assertThat(ended.requestCounts().errored()).isEqualTo(1);
        assertThat(ended.requestCounts().processing()).isZero();
        assertThat(ended.endedAt()).isPresent();
        assertThat(ended.resultsUrl()).hasValue(platform.apiBaseUrl() + "/v1/messages/batches/" + created.id() + "/results");

        Map<String, MessageBatchIndividualResponse> results = results(withApiKey, created.id());
        assertThat(results).containsOnlyKeys("hello-1", "hello-2", "hello-3", "bad-1");
        for (String id : List.of("hello-1", "hello-2", "hello-3")) {
            Message message = results.get(id).result().succeeded().orElseThrow().message();
            message.validate();
            assertThat(message.content()).isNotEmpty();
            assertThat(message.content().get(0).text()).hasValueSatisfying(t -> assertThat(t.text()).isNotBlank());
            assertThat(message.usage().inputTokens()).isPositive();
            assertThat(message.usage().outputTokens()).isPositive();
            assertThat(message.stopReason()).isPresent();
        }
        assertThat(results.get("hello-2").result().succeeded().orElseThrow().message().model().asString())
                .contains("claude-sonnet-4-5");
        var errored = results.get("bad-1").result().errored().orElseThrow();
        assertThat(errored.error().error().isInvalidRequestError()).as(errored.toString()).isTrue();
    }

    @Test
    void cancelling_a_running_batch_ends_it_with_canceled_results() throws Exception {
        BatchCreateParams.Builder params = BatchCreateParams.builder();
        IntStream.range(0, 40).forEach(i -> params.addRequest(request("slow-" + i, "claude-haiku-4-5", "Slow " + i + " [sim:latency=2000]")));
        MessageBatch created = withBearer.messages().batches().create(params.build());

        MessageBatch canceling = withApiKey.messages().batches().cancel(created.id());
        assertThat(canceling.processingStatus()).isEqualTo(MessageBatch.ProcessingStatus.CANCELING);
        assertThat(canceling.cancelInitiatedAt()).isPresent();

        MessageBatch ended = awaitEnded(withApiKey, created.id());
        assertThat(ended.requestCounts().canceled()).isPositive();
        assertThat(ended.requestCounts().canceled() + ended.requestCounts().succeeded()).isEqualTo(40);
        Map<String, MessageBatchIndividualResponse> results = results(withBearer, created.id());
        assertThat(results).hasSize(40);
        assertThat(results.values().stream().filter(r -> r.result().isCanceled()).count()).isEqualTo(ended.requestCounts().canceled());

        assertThatThrownBy(() -> withApiKey.messages().batches().cancel(created.id())).isInstanceOf(ConflictException.class);
    }

    @Test
    void batches_are_listed_newest_first_and_paged_both_ways() {
        List<String> ids = IntStream.range(0, 3).mapToObj(i -> withApiKey.messages().batches().create(BatchCreateParams.builder()
                .addRequest(request("list-" + i, "claude-haiku-4-5", "List " + i)).build()).id()).toList();

        BatchListPage first = withBearer.messages().batches().list(BatchListParams.builder().limit(2L).build());
        assertThat(first.data()).extracting(MessageBatch::id).containsExactly(ids.get(2), ids.get(1));
        assertThat(first.hasMore()).hasValue(true);
        BatchListPage after = withBearer.messages().batches().list(BatchListParams.builder().limit(1L).afterId(ids.get(1)).build());
        assertThat(after.data()).extracting(MessageBatch::id).containsExactly(ids.get(0));
        BatchListPage before = withBearer.messages().batches().list(BatchListParams.builder().limit(1L).beforeId(ids.get(0)).build());
        assertThat(before.data()).extracting(MessageBatch::id).containsExactly(ids.get(1));
        assertThat(before.hasMore()).hasValue(true);
        List<String> all = withApiKey.messages().batches().list(BatchListParams.builder().limit(2L).build())
                .autoPager().stream().map(MessageBatch::id).toList();
        assertThat(all).containsSubsequence(ids.get(2), ids.get(1), ids.get(0));
    }

    @Test
    void invalid_requests_unknown_batches_early_results_and_missing_keys_answer_like_anthropic() throws Exception {
        assertThatThrownBy(() -> withApiKey.messages().batches().create(BatchCreateParams.builder()
                .addRequest(request("same", "claude-haiku-4-5", "a"))
                .addRequest(request("same", "claude-haiku-4-5", "b")).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("requests.1.custom_id");
        assertThatThrownBy(() -> withApiKey.messages().batches().retrieve("msgbatch_nope"))
                .isInstanceOf(NotFoundException.class);

        HttpResponse<String> raw = HTTP.send(HttpRequest.newBuilder(URI.create(platform.apiBaseUrl() + "/v1/messages/batches"))
                .header("x-api-key", "ry-not-a-key").header("anthropic-version", "2023-06-01")
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"requests\":[]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(raw.statusCode()).isEqualTo(401);
        AnthropicClient anonymous = client(builder -> builder.apiKey("ry-not-a-key"));
        try {
            assertThatThrownBy(() -> anonymous.messages().batches().list()).isInstanceOf(UnauthorizedException.class);
        } finally {
            anonymous.close();
        }

        MessageBatch slow = withApiKey.messages().batches().create(BatchCreateParams.builder()
                .addRequest(request("early", "claude-haiku-4-5", "Hold on [sim:latency=3000]")).build());
        HttpResponse<String> early = HTTP.send(HttpRequest.newBuilder(
                        URI.create(platform.apiBaseUrl() + "/v1/messages/batches/" + slow.id() + "/results"))
                .header("authorization", "Bearer " + secret).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(early.statusCode()).isEqualTo(400);
        JsonNode error = E2e.JSON.readTree(early.body());
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("error").path("message").asText()).contains("in_progress");
    }
}
