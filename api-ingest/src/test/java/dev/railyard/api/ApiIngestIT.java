package dev.railyard.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Headers;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.JobSubmitted;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedInfrastructure.class)
class ApiIngestIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventCodec CODEC = new EventCodec();
    private static final String CHAT_BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static Vertx vertx;
    private static ApiIngest api;
    private static KafkaClients clients;
    private static DataSource db;
    private static RailyardConfig config;
    private static String base;
    private static final PrometheusMeterRegistry METRICS = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) throws Exception {
        config = new ConfigLoader(Map.of()).loadDefault();
        clients = new KafkaClients(servers.bootstrapServers());
        new TopicSetup(clients, 4, (short) 1).ensure(config.providers().keySet());
        db = servers.dataSource();
        vertx = Vertx.vertx();
        api = new ApiIngest(new ApiSettings("127.0.0.1", 0, ApiSettings.DEFAULT_MAX_BODY_BYTES), config, clients, db, vertx,
                List.of(router -> router.get("/v1/spend").handler(ctx -> ctx.json(Map.of("object", "spend")))), METRICS);
        base = "http://127.0.0.1:" + await(api.start());
    }

    @AfterAll
    static void stop() throws Exception {
        if (api != null) {
            api.close();
        }
        if (vertx != null) {
            await(vertx.close());
        }
    }

    // ---- jobs -------------------------------------------------------------------------------------------------

    @Test
    void accepts_a_job_stores_it_queued_and_publishes_job_submitted() throws Exception {
        try (KafkaConsumer<byte[], byte[]> tail = tailSubmitted()) {
            HttpResponse<String> response = post("/v1/jobs", "application/json",
                    "{\"body\":" + CHAT_BODY + ",\"metadata\":{\"team\":\"search\"},\"priority\":\"interactive\","
                    + "\"callback_url\":\"https://example.com/hook\",\"deadline\":\"2099-01-01T00:00:00Z\"}");

            assertThat(response.statusCode()).isEqualTo(202);
            JsonNode accepted = JSON.readTree(response.body());
            String jobId = accepted.get("id").asText();
            assertThat(jobId).matches("job_[A-Za-z0-9_-]{24}");
            assertThat(accepted.get("object").asText()).isEqualTo("job");
            assertThat(accepted.get("status").asText()).isEqualTo("queued");
            assertThat(accepted.get("created_at").asLong()).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));

            ConsumerRecord<byte[], byte[]> record = awaitRecords(tail, r -> jobId.equals(header(r, Headers.JOB_ID)), 1).get(0);
            assertThat(key(record)).as("keyed by tenant and priority class").isEqualTo("default:interactive");
            JobSubmitted event = CODEC.decode(record.value(), JobSubmitted.class);
            assertThat(event.schemaVersion()).isEqualTo(1);
            assertThat(UUID.fromString(event.eventId())).isNotNull();
            assertThat(event.jobId()).isEqualTo(jobId);
            assertThat(event.tenant()).isEqualTo("default");
            assertThat(event.model()).isEqualTo("gpt-4o-mini");
            assertThat(event.endpoint()).isEqualTo("/v1/chat/completions");
            assertThat(event.lineNumber()).isZero();
            assertThat(event.batchId()).isNull();
            assertThat(event.priority()).isEqualTo("interactive");
            assertThat(event.metadata()).isEqualTo(Map.of("team", "search"));
            assertThat(event.callbackUrl()).isEqualTo("https://example.com/hook");
            assertThat(event.deadline()).isEqualTo(java.time.Instant.parse("2099-01-01T00:00:00Z"));
            assertThat(event.body()).isEqualTo(JSON.readTree(CHAT_BODY));
            assertThat(new String(record.headers().lastHeader(Headers.TENANT).value(), StandardCharsets.UTF_8)).isEqualTo("default");

            assertThat(queryString("select state from jobs where id = ?", jobId)).isEqualTo("queued");
            assertThat(JSON.readTree(queryString("select request::text from jobs where id = ?", jobId))).isEqualTo(JSON.readTree(CHAT_BODY));
            assertThat(queryString("select priority from jobs where id = ?", jobId)).isEqualTo("interactive");

            JsonNode job = JSON.readTree(get("/v1/jobs/" + jobId).body());
            assertThat(job.get("status").asText()).isEqualTo("queued");
            assertThat(job.get("model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(job.get("metadata").get("team").asText()).isEqualTo("search");
            assertThat(job.has("completed_at")).isFalse();
            assertThat(job.has("batch_id")).isFalse();
        }
    }

    @Test
    void accepts_a_plain_openai_embeddings_body() throws Exception {
        HttpResponse<String> response = post("/v1/jobs", "application/json", "{\"model\":\"text-embedding-3-small\",\"input\":\"hello\"}");

        assertThat(response.statusCode()).isEqualTo(202);
        String jobId = JSON.readTree(response.body()).get("id").asText();
        assertThat(queryString("select endpoint from jobs where id = ?", jobId)).isEqualTo("/v1/embeddings");
    }

    @Test
    void rejects_an_invalid_job_with_a_400_naming_the_field() throws Exception {
        HttpResponse<String> response = post("/v1/jobs", "application/json", "{\"body\":{\"model\":\"gpt-4o-mini\"}}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asText()).isEqualTo("missing_field");
        assertThat(error.get("param").asText()).isEqualTo("body.messages");
        assertThat(error.get("message").asText()).contains("messages");
    }

    @Test
    void rejects_malformed_json_naming_the_problem() throws Exception {
        HttpResponse<String> response = post("/v1/jobs", "application/json", "{\"body\": {\"model\": }");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("invalid_json");
        assertThat(error.get("param").isNull()).isTrue();
        assertThat(error.get("message").asText()).contains("not valid JSON", "line 1");
    }

    @Test
    void an_unknown_job_is_a_404_json() throws Exception {
        HttpResponse<String> response = get("/v1/jobs/job_doesnotexist");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("param").asText()).isEqualTo("id");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
    }

    // ---- batches ----------------------------------------------------------------------------------------------

    @Test
    void a_batch_with_one_bad_line_queues_the_others_and_reports_results_once_completed() throws Exception {
        String input = String.join("\n",
                line("req-1", CHAT_BODY),
                line("req-2", CHAT_BODY),
                "",
                line("req-bad", CHAT_BODY.replace("\"user\"", "\"robot\"")),
                line("req-4", CHAT_BODY)) + "\n";
        try (KafkaConsumer<byte[], byte[]> tail = tailSubmitted()) {
            HttpResponse<String> response = post("/v1/batches", "application/jsonl", input);

            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode batch = JSON.readTree(response.body());
            String batchId = batch.get("id").asText();
            assertThat(batchId).startsWith("batch_");
            assertThat(batch.get("object").asText()).isEqualTo("batch");
            assertThat(batch.get("status").asText()).isEqualTo("in_progress");
            assertThat(batch.get("endpoint").asText()).isEqualTo("/v1/chat/completions");
            assertThat(batch.get("completion_window").asText()).isEqualTo("24h");
            assertThat(batch.get("request_counts")).isEqualTo(JSON.readTree("{\"total\":4,\"completed\":0,\"failed\":1}"));
            // The JSONL body is kept as the batch's input file, byte for byte, as an uploaded input would be.
            String inputFileId = batch.get("input_file_id").asText();
            assertThat(inputFileId).startsWith("file-");
            assertThat(get("/v1/files/" + inputFileId + "/content").body()).isEqualTo(input);
            assertThat(batch.has("errors")).isFalse();

            List<JobSubmitted> events = awaitRecords(tail, r -> true, 3).stream()
                    .map(r -> CODEC.decode(r.value(), JobSubmitted.class))
                    .filter(e -> batchId.equals(e.batchId()))
                    .toList();
            assertThat(events).extracting(e -> e.customId() + "@" + e.lineNumber())
                    .containsExactlyInAnyOrder("req-1@1", "req-2@2", "req-4@5");
            assertThat(events).allSatisfy(e -> {
                assertThat(e.priority()).isEqualTo("bulk");
                assertThat(e.body()).isEqualTo(JSON.readTree(CHAT_BODY));
                assertThat(e.deadline()).isNotNull();
            });
            assertThat(queryString("select count(*)::text from jobs where batch_id = ? and state = 'queued'", batchId)).isEqualTo("3");

            List<JsonNode> errors = jsonl(get("/v1/batches/" + batchId + "/errors"));
            assertThat(errors).singleElement().satisfies(e -> {
                assertThat(e.get("id").asText()).isEqualTo("batch_req_line_4");
                assertThat(e.get("custom_id").asText()).isEqualTo("req-bad");
                assertThat(e.get("response").isNull()).isTrue();
                assertThat(e.get("error").get("line").asInt()).isEqualTo(4);
                assertThat(e.get("error").get("param").asText()).isEqualTo("body.messages[0].role");
            });

            // The budget-service owns the result projection; here the rows are finished by hand.
            update("update jobs set state = 'succeeded', finished_at = now(), attempt_count = 1,"
                   + " response = jsonb_build_object('id', 'chatcmpl-' || custom_id, 'object', 'chat.completion')"
                   + " where batch_id = ?", batchId);

            // Every job ended: the batch is finalizing until its output and error files are written.
            JsonNode done = awaitBatch(batchId, "completed");
            assertThat(done.get("finalizing_at").asLong()).isPositive();
            assertThat(done.get("output_file_id").asText()).startsWith("file-");
            assertThat(done.get("error_file_id").asText()).startsWith("file-");
            assertThat(done.get("request_counts")).isEqualTo(JSON.readTree("{\"total\":4,\"completed\":3,\"failed\":1}"));
            assertThat(done.get("completed_at").asLong()).isPositive();

            HttpResponse<String> output = get("/v1/batches/" + batchId + "/output");
            assertThat(output.headers().firstValue("content-type")).hasValue("application/jsonl");
            List<JsonNode> lines = jsonl(output);
            assertThat(lines).extracting(l -> l.get("custom_id").asText()).containsExactly("req-1", "req-2", "req-4");
            assertThat(lines).allSatisfy(l -> {
                assertThat(l.get("response").get("status_code").asInt()).isEqualTo(200);
                assertThat(l.get("response").get("body").get("id").asText()).isEqualTo("chatcmpl-" + l.get("custom_id").asText());
                assertThat(l.get("id").asText()).isEqualTo("batch_req_" + l.get("response").get("request_id").asText().substring(4));
                assertThat(l.get("error").isNull()).isTrue();
            });
        }
    }

    @Test
    void failed_jobs_appear_in_the_error_file_with_their_status_and_not_in_the_output() throws Exception {
        HttpResponse<String> created = post("/v1/batches?format=jsonl", "text/plain; charset=utf-8",
                line("ok", CHAT_BODY) + "\r\n" + line("limited", CHAT_BODY) + "\r\n");
        assertThat(created.statusCode()).isEqualTo(200);
        String batchId = JSON.readTree(created.body()).get("id").asText();
        String limitedJob = queryString("select id from jobs where batch_id = ? and custom_id = 'limited'", batchId);
        update("update jobs set state = 'succeeded', finished_at = now(), response = '{\"id\":\"x\"}' where batch_id = ? and custom_id = 'ok'", batchId);
        update("update jobs set state = 'failed', finished_at = now(), error = '{\"type\":\"rate_limited\",\"message\":\"slow down\"}'"
               + " where id = ?", limitedJob);
        update("insert into attempts (id, job_id, hop, try_number, http_status, billed) values (? || ':0:1', ?, 0, 1, 429, false)",
                limitedJob, limitedJob);

        List<JsonNode> errors = jsonl(get("/v1/batches/" + batchId + "/errors"));
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.get("custom_id").asText()).isEqualTo("limited");
            assertThat(e.get("response").get("status_code").asInt()).isEqualTo(429);
            assertThat(e.get("response").get("request_id").asText()).isEqualTo(limitedJob);
            assertThat(e.get("error").get("code").asText()).isEqualTo("rate_limited");
        });
        assertThat(jsonl(get("/v1/batches/" + batchId + "/output"))).extracting(l -> l.get("custom_id").asText()).containsExactly("ok");
        JsonNode batch = awaitBatch(batchId, "completed");
        assertThat(batch.get("request_counts")).isEqualTo(JSON.readTree("{\"total\":2,\"completed\":1,\"failed\":1}"));

        JsonNode job = JSON.readTree(get("/v1/jobs/" + limitedJob).body());
        assertThat(job.get("status").asText()).isEqualTo("failed");
        assertThat(job.get("error").get("code").asText()).isEqualTo("rate_limited");
        assertThat(job.get("batch_id").asText()).isEqualTo(batchId);
        assertThat(job.get("custom_id").asText()).isEqualTo("limited");
    }

    @Test
    void a_duplicate_custom_id_rejects_the_batch() throws Exception {
        HttpResponse<String> response = post("/v1/batches", "application/x-ndjson",
                line("same", CHAT_BODY) + "\n" + line("other", CHAT_BODY) + "\n" + line("same", CHAT_BODY));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("duplicate_custom_id");
        assertThat(error.get("message").asText()).contains("'same'", "line 1", "line 3");
    }

    @Test
    void a_batch_with_no_valid_line_is_created_failed_with_its_errors() throws Exception {
        HttpResponse<String> response = post("/v1/batches", "application/jsonl",
                line("a", "{\"model\":\"gpt-4o-mini\"}") + "\n" + "{\"custom_id\":\"b\",\"method\":\"GET\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode batch = JSON.readTree(response.body());
        assertThat(batch.get("status").asText()).isEqualTo("failed");
        assertThat(batch.get("request_counts")).isEqualTo(JSON.readTree("{\"total\":2,\"completed\":0,\"failed\":2}"));
        assertThat(batch.get("errors").get("data")).extracting(e -> e.get("line").asInt() + ":" + e.get("code").asText())
                .containsExactly("1:missing_field", "2:invalid_method");
        assertThat(JSON.readTree(get("/v1/batches/" + batch.get("id").asText()).body()).get("errors").get("data")).hasSize(2);
    }

    @Test
    void rejects_input_that_is_not_jsonl_and_the_wrong_content_type() throws Exception {
        HttpResponse<String> notJsonl = post("/v1/batches", "application/jsonl", "custom_id,model\na,b\n");
        assertThat(notJsonl.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(notJsonl.body()).get("error").get("code").asText()).isEqualTo("invalid_jsonl");

        HttpResponse<String> empty = post("/v1/batches", "application/jsonl", "\n\n");
        assertThat(JSON.readTree(empty.body()).get("error").get("code").asText()).isEqualTo("empty_batch");

        HttpResponse<String> wrongType = post("/v1/batches", "text/csv", line("a", CHAT_BODY));
        assertThat(wrongType.statusCode()).isEqualTo(415);
        assertThat(JSON.readTree(wrongType.body()).get("error").get("code").asText()).isEqualTo("unsupported_media_type");

        // application/json is OpenAI's create-from-file request: a batch line there lacks input_file_id.
        HttpResponse<String> lineAsJson = post("/v1/batches", "application/json", line("a", CHAT_BODY));
        assertThat(lineAsJson.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(lineAsJson.body()).get("error").get("param").asText()).isEqualTo("input_file_id");
    }

    @Test
    void copy_keeps_awkward_text_intact() throws Exception {
        String customId = "tab\there back\\slash \"quoted\" ✓ 😀";
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"line1\\nline2\\ttab \\\\ back \\\"q\\\" \\u00e9 ✓\"}]}";
        String idJson = JSON.writeValueAsString(customId);
        String input = "{\"custom_id\":" + idJson + ",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":" + body + "}";

        HttpResponse<String> response = post("/v1/batches", "application/jsonl", input);

        assertThat(response.statusCode()).isEqualTo(200);
        String batchId = JSON.readTree(response.body()).get("id").asText();
        assertThat(queryString("select custom_id from jobs where batch_id = ?", batchId)).isEqualTo(customId);
        assertThat(JSON.readTree(queryString("select request::text from jobs where batch_id = ?", batchId))).isEqualTo(JSON.readTree(body));
    }

    @Test
    void lists_batches_newest_first_with_a_cursor() throws Exception {
        String older = JSON.readTree(post("/v1/batches", "application/jsonl", line("x", CHAT_BODY)).body()).get("id").asText();
        String newer = JSON.readTree(post("/v1/batches", "application/jsonl", line("x", CHAT_BODY)).body()).get("id").asText();

        JsonNode first = JSON.readTree(get("/v1/batches?limit=1").body());
        assertThat(first.get("object").asText()).isEqualTo("list");
        assertThat(first.get("data")).hasSize(1);
        assertThat(first.get("first_id").asText()).isEqualTo(newer);
        assertThat(first.get("last_id").asText()).isEqualTo(newer);
        assertThat(first.get("has_more").asBoolean()).isTrue();

        JsonNode next = JSON.readTree(get("/v1/batches?limit=1&after=" + newer).body());
        assertThat(next.get("data").get(0).get("id").asText()).isEqualTo(older);

        assertThat(get("/v1/batches?limit=500").statusCode()).isEqualTo(400);
        assertThat(get("/v1/batches/batch_nope").statusCode()).isEqualTo(404);
        assertThat(get("/v1/batches/batch_nope/output").statusCode()).isEqualTo(404);
    }

    @Test
    void accepts_a_50k_line_batch() throws Exception {
        StringBuilder input = new StringBuilder(50_000 * 160);
        for (int i = 1; i <= 50_000; i++) {
            input.append("{\"custom_id\":\"r").append(i).append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":")
                    .append("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"question number ")
                    .append(i).append("\"}],\"max_tokens\":16}}\n");
        }
        byte[] bytes = input.toString().getBytes(StandardCharsets.UTF_8);
        long started = System.nanoTime();
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/batches"))
                .header("content-type", "application/jsonl")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        System.out.println("accepts_a_50k_line_batch: " + bytes.length + " bytes, 50000 lines accepted in " + elapsedMs + " ms");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode batch = JSON.readTree(response.body());
        assertThat(batch.get("request_counts")).isEqualTo(JSON.readTree("{\"total\":50000,\"completed\":0,\"failed\":0}"));
        assertThat(queryString("select count(*)::text from jobs where batch_id = ?", batch.get("id").asText())).isEqualTo("50000");
    }

    // ---- catalog, health, routing -----------------------------------------------------------------------------

    @Test
    void lists_the_model_catalog() throws Exception {
        JsonNode models = JSON.readTree(get("/v1/models").body());

        assertThat(models.get("object").asText()).isEqualTo("list");
        JsonNode mini = null;
        for (JsonNode m : models.get("data")) {
            if (m.get("id").asText().equals("gpt-4o-mini")) {
                mini = m;
            }
        }
        assertThat(mini).isNotNull();
        assertThat(mini.get("object").asText()).isEqualTo("model");
        assertThat(mini.get("owned_by").asText()).isEqualTo("openai");
        assertThat(mini.get("created").asLong()).isPositive();
        assertThat(models.get("data")).hasSize(config.models().size());
    }

    @Test
    void health_and_readiness_answer() throws Exception {
        HttpResponse<String> health = get("/healthz");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("ok");

        HttpResponse<String> ready = get("/readyz");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).get("checks")).isEqualTo(JSON.readTree("{\"database\":\"ok\",\"kafka\":\"ok\"}"));
    }

    @Test
    void unknown_routes_wrong_methods_and_extra_routes() throws Exception {
        HttpResponse<String> unknown = get("/v1/nothing-here");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).get("error").get("code").asText()).isEqualTo("unknown_url");

        HttpResponse<String> wrongMethod = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/models"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(JSON.readTree(wrongMethod.body()).get("error").get("code").asText()).isEqualTo("method_not_allowed");

        HttpResponse<String> spend = get("/v1/spend");
        assertThat(spend.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(spend.body()).get("object").asText()).isEqualTo("spend");
    }

    @Test
    void metrics_are_served_in_the_prometheus_text_format_with_request_timers_by_route_pattern() throws Exception {
        Gauge.builder("railyard.test.level", () -> 42).tag("deployment", "d-1").register(METRICS);
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(get("/v1/jobs/job_no_such_job_here").statusCode()).isEqualTo(404);
        assertThat(get("/v1/nothing-here").statusCode()).isEqualTo(404);
        assertThat(post("/v1/jobs", "application/json", "{\"body\":{\"model\":\"gpt-4o-mini\"}}").statusCode()).isEqualTo(400);

        HttpResponse<String> metrics = get("/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(metrics.body()).contains("railyard_test_level{deployment=\"d-1\"} 42")
                .contains("http_server_requests_seconds_count{method=\"GET\",route=\"/healthz\",status=\"200\"}")
                .contains("http_server_requests_seconds_count{method=\"GET\",route=\"/v1/jobs/:id\",status=\"404\"}")
                .contains("http_server_requests_seconds_count{method=\"GET\",route=\"unmatched\",status=\"404\"}")
                .contains("http_server_requests_seconds_count{method=\"POST\",route=\"/v1/jobs\",status=\"400\"}")
                .doesNotContain("job_no_such_job_here").doesNotContain("nothing-here");

        try (ApiIngest without = new ApiIngest(new ApiSettings("127.0.0.1", 0, 1024), config, clients, db, vertx, List.of())) {
            int port = await(without.start());
            HttpResponse<String> none = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(none.statusCode()).as("no registry, no endpoint").isEqualTo(404);
        }
    }

    @Test
    void a_body_over_the_limit_is_a_413_json() throws Exception {
        try (ApiIngest small = new ApiIngest(new ApiSettings("127.0.0.1", 0, 1024), config, clients, db, vertx, List.of())) {
            int port = await(small.start());
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/batches"))
                    .header("content-type", "application/jsonl")
                    .POST(HttpRequest.BodyPublishers.ofString(line("a", CHAT_BODY).repeat(40))).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(JSON.readTree(response.body()).get("error").get("code").asText()).isEqualTo("request_too_large");
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static String line(String customId, String body) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":" + body + "}";
    }

    private static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("content-type", contentType)
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<JsonNode> jsonl(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        for (String l : response.body().split("\n")) {
            if (!l.isBlank()) {
                out.add(JSON.readTree(l));
            }
        }
        return out;
    }

    /** A consumer positioned at the current end of the submitted topic, so it sees only what this test produces. */
    private static KafkaConsumer<byte[], byte[]> tailSubmitted() {
        KafkaConsumer<byte[], byte[]> consumer = clients.consumer("api-ingest-it-" + UUID.randomUUID(), 500);
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.JOBS_SUBMITTED).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    private static List<ConsumerRecord<byte[], byte[]>> awaitRecords(KafkaConsumer<byte[], byte[]> consumer,
                                                                      Predicate<ConsumerRecord<byte[], byte[]>> wanted, int count) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (found.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                if (wanted.test(r)) {
                    found.add(r);
                }
            });
        }
        assertThat(found).as("records on " + Topics.JOBS_SUBMITTED).hasSizeGreaterThanOrEqualTo(count);
        return found;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    private static String queryString(String sql, String param) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(sql).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static void update(String sql, String... params) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            assertThat(ps.executeUpdate()).as(sql + " " + Arrays.toString(params)).isPositive();
        }
    }

    /** Polls the batch until it has {@code status} (60 s at most); returns it. */
    private static JsonNode awaitBatch(String batchId, String status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode batch = JSON.readTree(get("/v1/batches/" + batchId).body());
        while (!status.equals(batch.get("status").asText()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            batch = JSON.readTree(get("/v1/batches/" + batchId).body());
        }
        assertThat(batch.get("status").asText()).as("status of %s: %s", batchId, batch).isEqualTo(status);
        return batch;
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
