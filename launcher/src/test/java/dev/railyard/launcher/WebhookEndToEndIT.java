package dev.railyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.api.webhooks.WebhookSettings;
import dev.railyard.budget.BudgetService;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.schema.Topics;
import dev.railyard.schema.webhook.WebhookSigner;
import dev.railyard.simulator.SimulatorSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks through the whole platform: a job or batch with a {@code callback_url} runs through the router, the
 * provider workers (simulator) and budget-service, and api-ingest calls a local receiver once, signed, and only when
 * the API already shows the final state. The receiver asks the API what it shows at the moment the webhook arrives.
 */
@ExtendWith(SharedInfrastructure.class)
class WebhookEndToEndIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

    private static Platform platform;
    private static Vertx vertx;
    private static HttpServer receiver;
    private static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();

    /** One call to the receiver, with what GET {@code seenPath} answered at that moment. */
    record Received(String hook, Map<String, String> headers, String body, String seenStatus) {
    }

    /** What the receiver asks the API about, per hook: the job's or batch's path. */
    private static final Map<String, String> WATCHED = new ConcurrentHashMap<>();

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers, @TempDir Path dir) throws Exception {
        platform = Platform.start(PlatformSettings.embedded(dir)
                .withExternal(servers.bootstrapServers(), servers.jdbcUrl(), servers.dbUser(), servers.dbPassword())
                .withSimulator(new SimulatorSettings(0, 0, 0, 0, 10, 2500, 11))
                .withWebhooks(WebhookSettings.defaults().withAllowPrivateTargets(true).withPoll(Duration.ofMillis(100))));
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.post("/hooks/:name").handler(BodyHandler.create(false)).handler(ctx -> {
            String hook = ctx.pathParam("name");
            Map<String, String> headers = new ConcurrentHashMap<>();
            ctx.request().headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            String body = ctx.body().asString();
            vertx.executeBlocking(() -> {
                String path = WATCHED.get(hook);
                return path == null ? "unwatched" : get(path).get("status").asText();
            }, false).onComplete(ar -> {
                RECEIVED.add(new Received(hook, headers, body, ar.succeeded() ? ar.result() : "error: " + ar.cause()));
                ctx.response().setStatusCode(200).end();
            });
        });
        receiver = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void a_job_with_a_callback_gets_one_signed_job_succeeded_after_its_result_is_readable_even_when_the_result_is_redelivered()
            throws Exception {
        String hook = "job-" + UUID.randomUUID();
        HttpResponse<String> accepted = post("/v1/jobs", "application/json",
                "{\"body\":" + CHAT + ",\"callback_url\":\"" + url(hook) + "\"}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String jobId = JSON.readTree(accepted.body()).get("id").asText();
        WATCHED.put(hook, "/v1/jobs/" + jobId);
        String eventId = "evt_" + jobId + "_succeeded";

        await(() -> to(hook).size() == 1, "the webhook of " + jobId);
        JsonNode event = awaitDelivered(eventId);

        Received r = to(hook).get(0);
        assertThat(r.seenStatus()).as("GET /v1/jobs/{id} when the webhook arrived").isEqualTo("succeeded");
        assertThat(r.headers().get("webhook-id")).isEqualTo(eventId);
        String secret = get("/v1/webhooks/secret").get("secret").asText();
        assertThat(new WebhookSigner(secret).verify(eventId, Long.parseLong(r.headers().get("webhook-timestamp")),
                r.body().getBytes(StandardCharsets.UTF_8), r.headers().get("webhook-signature"))).isTrue();
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("type").asText()).isEqualTo("job.succeeded");
        assertThat(body.at("/data/id").asText()).isEqualTo(jobId);
        assertThat(body.at("/data/status").asText()).isEqualTo("succeeded");
        assertThat(event.get("attempts")).hasSize(1);

        // The same result again (a redelivery after a crash): budget-service writes it again, and records no new event.
        ConsumerRecord<byte[], byte[]> result = TopicReader.read(platform.kafkaClients(), Topics.JOBS_RESULTS,
                rec -> rec.key() != null && jobId.equals(new String(rec.key(), StandardCharsets.UTF_8)), 1, Duration.ofSeconds(30)).get(0);
        RecordMetadata again;
        try (KafkaProducer<byte[], byte[]> producer = platform.kafkaClients().producer("webhook-e2e")) {
            again = producer.send(new ProducerRecord<>(Topics.JOBS_RESULTS, null, result.key(), result.value(), result.headers()))
                    .get(30, TimeUnit.SECONDS);
        }
        awaitConsumed(again);
        assertThat(count("select count(*) from webhook_events where subject_id = ?", jobId)).isEqualTo(1);
        assertThat(get("/v1/webhooks/events/" + eventId).get("status").asText()).isEqualTo("delivered");
        assertThat(to(hook)).hasSize(1);
    }

    @Test
    void a_batch_with_a_callback_gets_one_batch_completed_after_all_its_jobs() throws Exception {
        String hook = "batch-" + UUID.randomUUID();
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            input.append("{\"custom_id\":\"r").append(i).append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":")
                    .append(CHAT).append("}\n");
        }
        HttpResponse<String> created = post("/v1/batches?callback_url=" + url(hook), "application/jsonl", input.toString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String batchId = JSON.readTree(created.body()).get("id").asText();
        WATCHED.put(hook, "/v1/batches/" + batchId);

        await(() -> to(hook).size() == 1, "the webhook of " + batchId);
        awaitDelivered("evt_" + batchId + "_completed");

        Received r = to(hook).get(0);
        assertThat(r.seenStatus()).as("GET /v1/batches/{id} when the webhook arrived").isEqualTo("completed");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("type").asText()).isEqualTo("batch.completed");
        assertThat(body.at("/data/request_counts/completed").asInt()).isEqualTo(5);
        assertThat(count("select count(*) from webhook_events where batch_id = ?", batchId)).as("no job events: the jobs have no callback")
                .isEqualTo(1);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static String url(String hook) {
        return "http://127.0.0.1:" + receiver.actualPort() + "/hooks/" + hook;
    }

    private static List<Received> to(String hook) {
        return RECEIVED.stream().filter(r -> r.hook().equals(hook)).toList();
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(platform.apiBaseUrl() + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(platform.apiBaseUrl() + path)).timeout(Duration.ofSeconds(60))
                .header("content-type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode awaitDelivered(String eventId) throws Exception {
        await(() -> {
            try {
                return "delivered".equals(get("/v1/webhooks/events/" + eventId).get("status").asText());
            } catch (Exception | AssertionError e) {
                return false;
            }
        }, eventId + " delivered");
        return get("/v1/webhooks/events/" + eventId);
    }

    /** Waits until budget-service's group has committed past the record: it was written (or found already written). */
    private static void awaitConsumed(RecordMetadata record) throws Exception {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        try (Admin admin = platform.kafkaClients().admin()) {
            await(() -> {
                try {
                    OffsetAndMetadata committed = admin.listConsumerGroupOffsets(BudgetService.GROUP)
                            .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).get(tp);
                    return committed != null && committed.offset() > record.offset();
                } catch (Exception e) {
                    return false;
                }
            }, "budget-service past offset " + record.offset() + " of " + tp);
        }
    }

    private static long count(String sql, String param) throws Exception {
        try (Connection c = platform.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void await(Supplier<Boolean> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up after 90 s waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
