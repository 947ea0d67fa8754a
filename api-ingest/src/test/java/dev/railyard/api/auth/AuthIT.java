package dev.railyard.api.auth;

import static dev.railyard.api.EdgeRig.errorCode;
import static dev.railyard.api.EdgeRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.api.EdgeRig;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.JobSubmitted;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** API keys at the edge: tenant isolation, scopes, revocation, hashing, request limits, and the keys admin API. */
@ExtendWith(SharedInfrastructure.class)
class AuthIT {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String LINE = "{\"custom_id\":\"c1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":" + CHAT + "}\n";

    private static EdgeRig rig;
    private static String admin;
    private static JsonNode keyA;
    private static JsonNode keyB;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) throws Exception {
        rig = EdgeRig.start(servers, EdgeRig.settings(), List.of(AuthIT::otherModulesRoutes));
        // The bootstrap: while no key exists, the first (admin) key is created without one.
        admin = rig.createKey(null, "ops", null, "admin").get("secret").asText();
        keyA = rig.createKey(admin, "tenant-a", null, "submit", "read");
        keyB = rig.createKey(admin, "tenant-b", null, "submit", "read");
    }

    @AfterAll
    static void stop() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    /** Stand-ins for routes other modules mount through extraRoutes (budget-service, router-worker). */
    @SuppressWarnings("unchecked")
    private static void otherModulesRoutes(Router router) {
        router.get("/v1/spend").handler(ctx -> ctx.json(new JsonObject()
                .put("tenant", (String) ctx.get(Caller.TENANT_KEY))
                .put("scopes", new JsonArray(new ArrayList<>(new TreeSet<>((Collection<String>) ctx.get(Caller.SCOPES_KEY)))))));
        router.post("/v1/budgets").handler(ctx -> ctx.response().setStatusCode(201).end("{\"object\":\"budget\"}"));
        router.post("/v1/batches").order(-2).handler(ctx -> {
            if ("true".equals(ctx.request().getParam("dry_run"))) {
                ctx.json(new JsonObject().put("object", "batch.estimate"));
            } else {
                ctx.next();
            }
        });
    }

    private static String secret(JsonNode key) {
        return key.get("secret").asText();
    }

    @Test
    void a_tenant_gets_404_for_another_tenants_files() throws Exception {
        HttpResponse<String> uploaded = rig.upload(secret(keyA), null, "a.jsonl", LINE);
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
        String fileId = json(uploaded).get("id").asText();
        assertThat(rig.get("/v1/files/" + fileId, secret(keyA)).statusCode()).isEqualTo(200);
        assertThat(rig.get("/v1/files/" + fileId + "/content", secret(keyA)).statusCode()).isEqualTo(200);

        for (String path : List.of("/v1/files/" + fileId, "/v1/files/" + fileId + "/content")) {
            assertThat(rig.get(path, secret(keyB)).statusCode()).as("tenant B reading " + path).isEqualTo(404);
        }
        assertThat(rig.delete("/v1/files/" + fileId, secret(keyB)).statusCode()).isEqualTo(404);
        assertThat(rig.get("/v1/files", secret(keyB)).body()).doesNotContain(fileId);
        HttpResponse<String> batchFromIt = rig.post("/v1/batches", secret(keyB), "application/json",
                "{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
        assertThat(batchFromIt.statusCode()).as("B cannot batch A's file").isEqualTo(400);
        assertThat(rig.get("/v1/files/" + fileId, secret(keyA)).statusCode()).as("still A's").isEqualTo(200);
    }

    @Test
    void a_tenant_gets_404_for_another_tenants_jobs_batches_and_batch_files() throws Exception {
        HttpResponse<String> job = rig.post("/v1/jobs", secret(keyA), "application/json", CHAT);
        assertThat(job.statusCode()).as(job.body()).isEqualTo(202);
        String jobId = json(job).get("id").asText();
        HttpResponse<String> batch = rig.post("/v1/batches", secret(keyA), "application/jsonl", LINE);
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
        String batchId = json(batch).get("id").asText();

        assertThat(rig.get("/v1/jobs/" + jobId, secret(keyA)).statusCode()).isEqualTo(200);
        assertThat(rig.get("/v1/batches/" + batchId, secret(keyA)).statusCode()).isEqualTo(200);
        assertThat(rig.get("/v1/batches/" + batchId + "/output", secret(keyA)).statusCode()).isEqualTo(200);

        for (String path : List.of("/v1/jobs/" + jobId, "/v1/batches/" + batchId, "/v1/batches/" + batchId + "/output",
                "/v1/batches/" + batchId + "/errors")) {
            HttpResponse<String> other = rig.get(path, secret(keyB));
            assertThat(other.statusCode()).as("tenant B reading " + path).isEqualTo(404);
            assertThat(errorCode(other)).isEqualTo("not_found");
        }
        assertThat(rig.get("/v1/batches", secret(keyB)).body()).doesNotContain(batchId);
        assertThat(rig.get("/v1/batches", secret(keyA)).body()).contains(batchId);
        assertThat(rig.queryString("select tenant from jobs where id = ?", jobId)).isEqualTo("tenant-a");
    }

    @Test
    void jobs_and_batch_jobs_record_the_key_that_submitted_them() throws Exception {
        String keyId = keyA.get("id").asText();
        try (KafkaConsumer<byte[], byte[]> tail = tailSubmitted()) {
            String jobId = json(rig.post("/v1/jobs", secret(keyA), "application/json", CHAT)).get("id").asText();
            String batchId = json(rig.post("/v1/batches", secret(keyA), "application/jsonl", LINE)).get("id").asText();

            assertThat(rig.queryString("select api_key_id from jobs where id = ?", jobId)).isEqualTo(keyId);
            assertThat(rig.queryString("select api_key_id from jobs where batch_id = ?", batchId)).isEqualTo(keyId);
            List<JobSubmitted> events = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (events.size() < 2 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : tail.poll(Duration.ofMillis(200))) {
                    JobSubmitted e = new EventCodec().decode(r.value(), JobSubmitted.class);
                    if (e.jobId().equals(jobId) || batchId.equals(e.batchId())) {
                        events.add(e);
                    }
                }
            }
            assertThat(events).hasSize(2).allSatisfy(e -> {
                assertThat(e.apiKeyId()).isEqualTo(keyId);
                assertThat(e.tenant()).isEqualTo("tenant-a");
            });
        }
    }

    @Test
    void each_route_needs_its_scope_and_a_missing_one_is_a_403_naming_it() throws Exception {
        String readOnly = secret(rig.createKey(admin, "tenant-a", null, "read"));
        String submitOnly = secret(rig.createKey(admin, "tenant-a", null, "submit"));

        HttpResponse<String> post = rig.post("/v1/jobs", readOnly, "application/json", CHAT);
        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(errorCode(post)).isEqualTo("insufficient_scope");
        assertThat(json(post).at("/error/message").asText()).contains("'submit'");
        assertThat(rig.get("/v1/batches", readOnly).statusCode()).isEqualTo(200);
        assertThat(rig.post("/v1/batches?dry_run=true", readOnly, "application/jsonl", LINE).statusCode())
                .as("the dry run route runs before api-ingest's own, and after the auth handler").isEqualTo(403);

        HttpResponse<String> read = rig.get("/v1/batches", submitOnly);
        assertThat(read.statusCode()).isEqualTo(403);
        assertThat(json(read).at("/error/message").asText()).contains("'read'");
        assertThat(rig.post("/v1/jobs", submitOnly, "application/json", CHAT).statusCode()).isEqualTo(202);
        assertThat(rig.post("/v1/batches?dry_run=true", submitOnly, "application/jsonl", LINE).statusCode()).isEqualTo(200);

        HttpResponse<String> keys = rig.get("/v1/admin/keys", secret(keyA));
        assertThat(keys.statusCode()).isEqualTo(403);
        assertThat(json(keys).at("/error/message").asText()).contains("'admin'");
        assertThat(rig.post("/v1/budgets", secret(keyA), "application/json", "{}").statusCode()).isEqualTo(403);
        assertThat(rig.post("/v1/budgets", admin, "application/json", "{}").statusCode()).isEqualTo(201);
        assertThat(rig.get("/v1/spend/reconciliation", secret(keyA)).statusCode()).isEqualTo(403);
    }

    @Test
    void other_modules_routes_see_the_callers_tenant_and_scopes() throws Exception {
        JsonNode spend = json(rig.get("/v1/spend", secret(keyB)));

        assertThat(spend.get("tenant").asText()).isEqualTo("tenant-b");
        assertThat(spend.get("scopes").toString()).isEqualTo("[\"read\",\"submit\"]");
    }

    @Test
    void a_missing_unknown_or_revoked_key_is_a_401_in_openais_shape() throws Exception {
        HttpResponse<String> none = rig.get("/v1/models", null);
        assertThat(none.statusCode()).isEqualTo(401);
        JsonNode error = json(none).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(error.has("param")).isTrue();
        assertThat(none.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"railyard\"");

        String unknown = new KeySecrets().newSecret();
        assertThat(rig.get("/v1/models", unknown).statusCode()).isEqualTo(401);
        assertThat(rig.get("/v1/models", "sk-placeholder").statusCode()).isEqualTo(401);
        assertThat(rig.send(rig.request("/v1/models", null).header("x-api-key", secret(keyA)).GET()).statusCode())
                .as("Anthropic clients send x-api-key").isEqualTo(200);
        assertThat(rig.get("/healthz", null).statusCode()).as("probes need no key").isEqualTo(200);

        JsonNode doomed = rig.createKey(admin, "tenant-a", null, "read");
        assertThat(rig.get("/v1/models", secret(doomed)).statusCode()).isEqualTo(200);
        HttpResponse<String> revoked = rig.delete("/v1/admin/keys/" + doomed.get("id").asText(), admin);
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(json(revoked).get("revoked_at").asLong()).isPositive();
        HttpResponse<String> after = rig.get("/v1/models", secret(doomed));
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(errorCode(after)).isEqualTo("invalid_api_key");
    }

    @Test
    void the_secret_is_shown_once_and_stored_only_as_its_sha_256() throws Exception {
        JsonNode created = rig.createKey(admin, "tenant-c", 42, "read", "submit");
        String secret = secret(created);
        String id = created.get("id").asText();

        assertThat(secret).matches("ry-[A-Za-z0-9_-]{43}");
        assertThat(id).matches("key_[A-Za-z0-9_-]{24}");
        assertThat(created.get("prefix").asText()).isEqualTo(secret.substring(0, 10));
        assertThat(created.get("scopes").toString()).isEqualTo("[\"submit\",\"read\"]");
        assertThat(created.get("requests_per_minute").asInt()).isEqualTo(42);
        assertThat(rig.queryString("select encode(hash, 'hex') from api_keys where id = ?", id))
                .isEqualTo(HexFormat.of().formatHex(KeySecrets.hash(secret)));
        assertThat(rig.count("select count(*) from api_keys k where row_to_json(k)::text like ?", "%" + secret.substring(10) + "%"))
                .as("no column holds the secret").isZero();
        assertThat(rig.queryString("select name from tenants where id = ?", "tenant-c")).as("an unknown tenant is created").isNotNull();

        HttpResponse<String> listed = rig.get("/v1/admin/keys?tenant=tenant-c", admin);
        assertThat(listed.body()).doesNotContain(secret.substring(10)).doesNotContain("\"secret\"");
        assertThat(json(listed).get("data")).singleElement().satisfies(k -> {
            assertThat(k.get("id").asText()).isEqualTo(id);
            assertThat(k.get("object").asText()).isEqualTo("api_key");
            assertThat(k.get("tenant").asText()).isEqualTo("tenant-c");
            assertThat(k.get("revoked_at").isNull()).isTrue();
        });
        assertThat(rig.get("/v1/admin/keys/" + id, admin).body()).doesNotContain(secret.substring(10));
        assertThat(rig.get("/v1/admin/keys/key_nope", admin).statusCode()).isEqualTo(404);
        assertThat(rig.delete("/v1/admin/keys/key_nope", admin).statusCode()).isEqualTo(404);
        assertThat(json(rig.get("/v1/admin/keys", admin)).get("data").size()).isGreaterThanOrEqualTo(4);

        rig.get("/v1/models", secret);
        assertThat(json(rig.get("/v1/admin/keys/" + id, admin)).get("last_used_at").asLong()).isPositive();
    }

    @Test
    void a_bad_key_request_is_a_400_naming_the_field() throws Exception {
        HttpResponse<String> noScopes = rig.post("/v1/admin/keys", admin, "application/json", "{\"tenant\":\"x\"}");
        assertThat(noScopes.statusCode()).isEqualTo(400);
        assertThat(json(noScopes).at("/error/param").asText()).isEqualTo("scopes");
        HttpResponse<String> notJson = rig.post("/v1/admin/keys", admin, "application/json", "{tenant");
        assertThat(errorCode(notJson)).isEqualTo("invalid_json");
    }

    @Test
    void a_key_over_its_requests_per_minute_gets_429_with_retry_after_and_every_answer_says_where_it_stands() throws Exception {
        String limited = secret(rig.createKey(admin, "tenant-a", 3, "read"));

        for (int i = 2; i >= 0; i--) {
            HttpResponse<String> ok = rig.get("/v1/models", limited);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("x-ratelimit-limit-requests")).hasValue("3");
            assertThat(ok.headers().firstValue("x-ratelimit-remaining-requests")).hasValue(Integer.toString(i));
            assertThat(ok.headers().firstValue("x-ratelimit-reset-requests")).hasValueSatisfying(v -> assertThat(v).matches("[0-9.ms]+"));
        }
        HttpResponse<String> refused = rig.get("/v1/models", limited);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(errorCode(refused)).isEqualTo("rate_limit_exceeded");
        assertThat(refused.headers().firstValue("retry-after")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
        assertThat(refused.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        assertThat(rig.get("/v1/models", secret(keyA)).statusCode()).as("other keys are not limited by it").isEqualTo(200);
    }

    private static KafkaConsumer<byte[], byte[]> tailSubmitted() {
        KafkaConsumer<byte[], byte[]> consumer = rig.clients.consumer("auth-it-" + UUID.randomUUID(), 500);
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.JOBS_SUBMITTED).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }
}
