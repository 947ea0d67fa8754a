package dev.railyard.api.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.api.ApiIngest;
import dev.railyard.api.ApiSettings;
import dev.railyard.api.http.Blocking;
import dev.railyard.api.jobs.JobStore;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.event.Usage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The synchronous endpoints over the real broker and database, with a stand-in for the pipeline: a worker that reads
 * this test's submitted jobs and publishes the result their prompt asks for ({@code [fail:type]}, {@code [silent]}).
 */
@ExtendWith(SharedInfrastructure.class)
class SyncRoutesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventCodec CODEC = new EventCodec();
    private static final String RUN = "sync-it-" + UUID.randomUUID();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static Vertx vertx;
    private static ApiIngest api;
    private static ApiIngest impatient;
    private static KafkaClients clients;
    private static DataSource db;
    private static PipelineStandIn pipeline;
    private static String base;
    private static String impatientBase;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) throws Exception {
        RailyardConfig config = new ConfigLoader(Map.of()).loadDefault();
        clients = new KafkaClients(servers.bootstrapServers());
        new TopicSetup(clients, 4, (short) 1).ensure(config.providers().keySet());
        db = servers.dataSource();
        vertx = Vertx.vertx();
        pipeline = new PipelineStandIn(clients);
        api = new ApiIngest(new ApiSettings("127.0.0.1", 0, ApiSettings.DEFAULT_MAX_BODY_BYTES), config, clients, db, vertx, List.of());
        base = "http://127.0.0.1:" + await(api.start());
        impatient = new ApiIngest(new ApiSettings("127.0.0.1", 0, ApiSettings.DEFAULT_MAX_BODY_BYTES).withSyncWait(Duration.ofSeconds(1)),
                config, clients, db, vertx, List.of());
        impatientBase = "http://127.0.0.1:" + await(impatient.start());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[]{api, impatient, pipeline}) {
            if (c != null) {
                c.close();
            }
        }
        if (vertx != null) {
            await(vertx.close());
        }
    }

    @Test
    void a_chat_completion_waits_for_its_job_and_answers_the_response_body() throws Exception {
        HttpResponse<String> response = post(base, "/v1/chat/completions", chat("hello there"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        String jobId = response.headers().firstValue(SyncRoutes.JOB_ID_HEADER).orElseThrow();
        assertThat(jobId).matches("job_[A-Za-z0-9_-]{24}");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body).isEqualTo(PipelineStandIn.chatCompletion(jobId));
        JobSubmitted submitted = pipeline.seen.get(jobId);
        assertThat(submitted.priority()).as("sync jobs are interactive").isEqualTo("interactive");
        assertThat(submitted.endpoint()).isEqualTo("/v1/chat/completions");
        assertThat(pipeline.keys.get(jobId)).isEqualTo("default:interactive");
        assertThat(queryString("select priority from jobs where id = ?", jobId)).isEqualTo("interactive");
    }

    @Test
    void embeddings_answer_the_embedding_list() throws Exception {
        HttpResponse<String> response = post(base, "/v1/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":[\"" + RUN + " a\",\"b\"]}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String jobId = response.headers().firstValue(SyncRoutes.JOB_ID_HEADER).orElseThrow();
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("object").asText()).isEqualTo("list");
        assertThat(body).isEqualTo(PipelineStandIn.embeddingList());
        assertThat(pipeline.seen.get(jobId).endpoint()).isEqualTo("/v1/embeddings");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"rate_limited, 429, invalid_request_error", "context_length_exceeded, 400, invalid_request_error",
            "model_not_found, 404, invalid_request_error", "overloaded, 503, server_error", "timeout, 504, server_error",
            "server_error, 500, server_error", "authentication, 500, server_error"})
    void a_failed_job_answers_the_openai_error_with_the_status_of_its_type(String type, int status, String errorType) throws Exception {
        HttpResponse<String> response = post(base, "/v1/chat/completions", chat("please [fail:" + type + "]"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        String jobId = response.headers().firstValue(SyncRoutes.JOB_ID_HEADER).orElseThrow();
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo(errorType);
        assertThat(error.get("code").asText()).isEqualTo(type);
        assertThat(error.has("param")).isTrue();
        assertThat(error.get("message").asText()).contains("simulated " + type).contains(jobId);
    }

    @Test
    void a_job_a_budget_rejects_answers_429_budget_exceeded() throws Exception {
        HttpResponse<String> response = post(base, "/v1/chat/completions", chat("[reject]"));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("budget_exceeded");
        assertThat(response.headers().firstValue(SyncRoutes.JOB_ID_HEADER)).isPresent();
    }

    @Test
    void an_invalid_body_is_refused_before_any_job_exists_naming_the_field_as_sent() throws Exception {
        HttpResponse<String> response = post(base, "/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[]}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("param").asText()).isEqualTo("messages");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(response.headers().firstValue(SyncRoutes.JOB_ID_HEADER)).isEmpty();
    }

    @Test
    void an_embeddings_body_on_the_chat_endpoint_is_invalid_there() throws Exception {
        HttpResponse<String> response = post(base, "/v1/chat/completions", "{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).at("/error/param").asText()).isEqualTo("messages");
    }

    @Test
    void stream_true_is_an_unsupported_parameter() throws Exception {
        HttpResponse<String> response = post(base, "/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + RUN + "\"}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("unsupported_parameter");
        assertThat(error.get("param").asText()).isEqualTo("stream");
        assertThat(response.headers().firstValue(SyncRoutes.JOB_ID_HEADER)).isEmpty();
    }

    @Test
    void after_the_wait_the_answer_is_504_with_the_job_id_and_the_job_goes_on() throws Exception {
        HttpResponse<String> response = post(impatientBase, "/v1/chat/completions", chat("[silent]"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(504);
        String jobId = response.headers().firstValue(SyncRoutes.JOB_ID_HEADER).orElseThrow();
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("sync_timeout");
        assertThat(error.get("message").asText()).contains("GET /v1/jobs/" + jobId);
        HttpResponse<String> job = HTTP.send(HttpRequest.newBuilder(URI.create(impatientBase + "/v1/jobs/" + jobId)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(job.body()).get("status").asText()).isEqualTo("queued");
    }

    @Test
    void an_outcome_recorded_before_anybody_listened_is_read_from_the_job_row() throws Exception {
        String jobId = "job_recorded_" + UUID.randomUUID();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("""
                insert into jobs (id, tenant, endpoint, model, state, response, created_at, finished_at)
                values (?, 'default', '/v1/embeddings', 'text-embedding-3-small', 'succeeded', '{"object":"list"}'::jsonb, now(), now())""")) {
            ps.setString(1, jobId);
            ps.executeUpdate();
        }
        // Not started: no result can come from Kafka, only from the row.
        SyncResults results = new SyncResults(clients, CODEC, new JobStore(db, CODEC.mapper()), new Blocking(vertx));
        try {
            Finished finished = await(results.await("default", jobId, results.register(jobId), Duration.ofSeconds(60)));

            assertThat(finished.succeeded()).isTrue();
            assertThat(JSON.readTree(finished.responseJson())).isEqualTo(JSON.readTree("{\"object\":\"list\"}"));
            assertThat(results.waiting()).isZero();
        } finally {
            results.close();
        }
    }

    private static String chat(String content) {
        return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + RUN + " " + content + "\"}]}";
    }

    private static HttpResponse<String> post(String at, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(at + path)).timeout(Duration.ofSeconds(90))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String queryString(String sql, String param) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (var rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** Reads this run's submitted jobs and publishes the result each prompt asks for; remembers what it saw. */
    private static final class PipelineStandIn implements AutoCloseable {
        private static final Pattern FAIL = Pattern.compile("\\[fail:([a-z_]+)]");
        final Map<String, JobSubmitted> seen = new ConcurrentHashMap<>();
        final Map<String, String> keys = new ConcurrentHashMap<>();
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final KafkaProducer<byte[], byte[]> producer;
        private final Thread thread;
        private volatile boolean running = true;

        PipelineStandIn(KafkaClients clients) {
            this.consumer = clients.consumer("sync-it-pipeline-" + UUID.randomUUID(), 100);
            this.producer = clients.producer("sync-it-pipeline");
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.JOBS_SUBMITTED).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            this.thread = Thread.ofPlatform().name("sync-it-pipeline").daemon().start(this::run);
        }

        private void run() {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    String text = new String(r.value(), StandardCharsets.UTF_8);
                    if (!text.contains(RUN)) {
                        continue;
                    }
                    JobSubmitted job = CODEC.decode(r.value(), JobSubmitted.class);
                    seen.put(job.jobId(), job);
                    keys.put(job.jobId(), new String(r.key(), StandardCharsets.UTF_8));
                    JobResult result = resultFor(job, text);
                    if (result != null) {
                        producer.send(new ProducerRecord<>(Topics.JOBS_RESULTS, job.jobId().getBytes(StandardCharsets.UTF_8),
                                CODEC.encode(result)));
                    }
                }
            }
        }

        private static JobResult resultFor(JobSubmitted job, String text) {
            if (text.contains("[silent]")) {
                return null;
            }
            Matcher fail = FAIL.matcher(text);
            if (fail.find()) {
                ErrorType type = ErrorType.fromCode(fail.group(1));
                return result(job, Outcome.FAILED, null, new JobError(type, "simulated " + type.code(), 418, null, null));
            }
            if (text.contains("[reject]")) {
                return result(job, Outcome.REJECTED, null, JobError.of(ErrorType.BUDGET_EXCEEDED, "budget 'daily' is spent"));
            }
            JsonNode response = job.endpoint().equals("/v1/embeddings") ? embeddingList() : chatCompletion(job.jobId());
            return result(job, Outcome.SUCCEEDED, response, null);
        }

        private static JobResult result(JobSubmitted job, Outcome outcome, JsonNode response, JobError error) {
            return new JobResult(1, UUID.randomUUID().toString(), job.jobId(), Instant.now(), job.tenant(), null, null,
                    job.endpoint(), outcome, job.model(), "sim", response, response == null ? Usage.NONE : new Usage(5, 7, 0),
                    BigDecimal.ZERO, 3, null, List.of(), error);
        }

        static JsonNode chatCompletion(String jobId) {
            return json("{\"id\":\"chatcmpl-" + jobId + "\",\"object\":\"chat.completion\",\"created\":1700000000,"
                    + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi!\"},"
                    + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}");
        }

        static JsonNode embeddingList() {
            return json("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.6,0.8]},"
                    + "{\"object\":\"embedding\",\"index\":1,\"embedding\":[0.28,0.96]}],\"model\":\"text-embedding-3-small\","
                    + "\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}");
        }

        private static JsonNode json(String text) {
            try {
                return JSON.readTree(text);
            } catch (Exception e) {
                throw new IllegalArgumentException(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
            consumer.close();
            producer.close();
        }
    }
}
