package dev.railyard.api.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.api.EdgeRig;
import dev.railyard.infra.testing.SharedInfrastructure;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code Idempotency-Key} on POSTs: replays, reuse with another request, requests in flight, and other modules' routes. */
@ExtendWith(SharedInfrastructure.class)
class IdempotencyIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger ESTIMATES = new AtomicInteger();
    private static final AtomicInteger FLAKY = new AtomicInteger();
    private static final AtomicInteger SLOW = new AtomicInteger();
    private static volatile CompletableFuture<Void> slowEntered = new CompletableFuture<>();
    private static volatile CompletableFuture<Void> slowGate = new CompletableFuture<>();

    private static EdgeRig rig;
    private static String keyA;
    private static String keyB;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) throws Exception {
        rig = EdgeRig.start(servers, EdgeRig.settings(), List.of(IdempotencyIT::otherModulesRoutes));
        String admin = rig.createKey(null, "ops", null, "admin").get("secret").asText();
        keyA = rig.createKey(admin, "tenant-a", null, "submit", "read").get("secret").asText();
        keyB = rig.createKey(admin, "tenant-b", null, "submit", "read").get("secret").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    private static void otherModulesRoutes(Router router) {
        router.post("/v1/estimates").handler(BodyHandler.create(false).setBodyLimit(64 * 1024)).handler(ctx -> ctx.json(new JsonObject()
                .put("calls", ESTIMATES.incrementAndGet()).put("bytes", ctx.body().length())));
        router.post("/v1/flaky").handler(ctx -> {
            int call = FLAKY.incrementAndGet();
            ctx.response().setStatusCode(call == 1 ? 500 : 200).putHeader("content-type", "application/json")
                    .end("{\"calls\":" + call + "}");
        });
        router.post("/v1/slow").handler(ctx -> {
            int call = SLOW.incrementAndGet();
            slowEntered.complete(null);
            Future.fromCompletionStage(slowGate).onComplete(v -> ctx.json(new JsonObject().put("calls", call)));
        });
    }

    private static HttpResponse<String> post(String path, String key, String idempotencyKey, String contentType, String body)
            throws Exception {
        HttpRequest.Builder request = rig.request(path, key).header("content-type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return rig.send(request);
    }

    private static String chat(String marker) {
        return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + marker + "\"}]}";
    }

    private static String code(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error").path("code").asText();
    }

    @Test
    void a_retried_job_gets_the_original_answer_and_is_created_once() throws Exception {
        String marker = UUID.randomUUID().toString();
        String key = "job-" + marker;

        HttpResponse<String> first = post("/v1/jobs", keyA, key, "application/json", chat(marker));
        HttpResponse<String> retry = awaitReplay(() -> post("/v1/jobs", keyA, key, "application/json", chat(marker)));

        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        assertThat(first.headers().firstValue(IdempotentPosts.REPLAYED)).isEmpty();
        assertThat(retry.statusCode()).isEqualTo(202);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.headers().firstValue(IdempotentPosts.REPLAYED)).hasValue("true");
        assertThat(retry.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(retry.headers().firstValue("x-ratelimit-limit-requests")).as("its own rate-limit standing").isPresent();
        assertThat(rig.count("select count(*) from jobs where request::text like ?", "%" + marker + "%")).isEqualTo(1);
    }

    @Test
    void a_retried_batch_is_created_once() throws Exception {
        String marker = UUID.randomUUID().toString();
        String input = "{\"custom_id\":\"" + marker + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":" + chat("x") + "}\n";

        HttpResponse<String> first = post("/v1/batches", keyA, "batch-" + marker, "application/jsonl", input);
        HttpResponse<String> retry = awaitReplay(() -> post("/v1/batches", keyA, "batch-" + marker, "application/jsonl", input));

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(JSON.readTree(retry.body()).get("id").asText()).isEqualTo(JSON.readTree(first.body()).get("id").asText());
        assertThat(rig.count("select count(*) from jobs where custom_id = ?", marker)).isEqualTo(1);
    }

    @Test
    void reusing_a_key_for_a_different_request_is_a_422() throws Exception {
        String key = "reuse-" + UUID.randomUUID();
        assertThat(post("/v1/jobs", keyA, key, "application/json", chat("one")).statusCode()).isEqualTo(202);

        HttpResponse<String> otherBody = post("/v1/jobs", keyA, key, "application/json", chat("two"));
        assertThat(otherBody.statusCode()).isEqualTo(422);
        assertThat(code(otherBody)).isEqualTo("idempotency_key_reused");
        assertThat(JSON.readTree(otherBody.body()).at("/error/param").asText()).isEqualTo("Idempotency-Key");

        HttpResponse<String> otherPath = post("/v1/estimates", keyA, key, "application/json", chat("one"));
        assertThat(otherPath.statusCode()).isEqualTo(422);
    }

    @Test
    void keys_belong_to_a_tenant() throws Exception {
        String key = "shared-" + UUID.randomUUID();
        HttpResponse<String> a = post("/v1/jobs", keyA, key, "application/json", chat("from a"));
        HttpResponse<String> b = post("/v1/jobs", keyB, key, "application/json", chat("from b"));

        assertThat(a.statusCode()).isEqualTo(202);
        assertThat(b.statusCode()).as(b.body()).isEqualTo(202);
        assertThat(b.headers().firstValue(IdempotentPosts.REPLAYED)).isEmpty();
        assertThat(JSON.readTree(b.body()).get("id")).isNotEqualTo(JSON.readTree(a.body()).get("id"));
    }

    @Test
    void a_retry_while_the_first_request_is_running_is_a_409_and_a_replay_once_it_answered() throws Exception {
        String key = "slow-" + UUID.randomUUID();
        CompletableFuture<HttpResponse<String>> first = rig.sendAsync(rig.request("/v1/slow", keyA)
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString("{}")));
        slowEntered.get(60, TimeUnit.SECONDS);

        HttpResponse<String> during = post("/v1/slow", keyA, key, "application/json", "{}");
        assertThat(during.statusCode()).isEqualTo(409);
        assertThat(code(during)).isEqualTo("idempotency_key_in_use");

        slowGate.complete(null);
        HttpResponse<String> answered = first.get(60, TimeUnit.SECONDS);
        assertThat(answered.statusCode()).isEqualTo(200);
        HttpResponse<String> after = awaitReplay(() -> post("/v1/slow", keyA, key, "application/json", "{}"));
        assertThat(after.body()).isEqualTo(answered.body());
        assertThat(SLOW.get()).isEqualTo(1);
    }

    @Test
    void concurrent_first_requests_create_one_job() throws Exception {
        String marker = UUID.randomUUID().toString();
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sent.add(rig.sendAsync(rig.request("/v1/jobs", keyA).header("content-type", "application/json")
                    .header("Idempotency-Key", "race-" + marker).POST(HttpRequest.BodyPublishers.ofString(chat(marker)))));
        }
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> f : sent) {
            answers.add(f.get(60, TimeUnit.SECONDS));
        }

        assertThat(answers).extracting(HttpResponse::statusCode).allMatch(s -> s == 202 || s == 409).contains(202);
        assertThat(answers.stream().filter(r -> r.statusCode() == 202).map(HttpResponse::body).distinct()).hasSize(1);
        assertThat(rig.count("select count(*) from jobs where request::text like ?", "%" + marker + "%")).isEqualTo(1);
    }

    @Test
    void a_server_error_is_not_kept_so_the_retry_runs_again() throws Exception {
        String key = "flaky-" + UUID.randomUUID();
        assertThat(post("/v1/flaky", keyA, key, "application/json", "{}").statusCode()).isEqualTo(500);

        HttpResponse<String> second = awaitStatus(() -> post("/v1/flaky", keyA, key, "application/json", "{}"), 200);
        HttpResponse<String> third = awaitReplay(() -> post("/v1/flaky", keyA, key, "application/json", "{}"));

        assertThat(third.body()).isEqualTo(second.body());
        assertThat(FLAKY.get()).isEqualTo(2);
    }

    @Test
    void a_route_another_module_mounts_is_idempotent_and_still_gets_the_body() throws Exception {
        String key = "estimate-" + UUID.randomUUID();
        String body = chat("estimate me");

        HttpResponse<String> first = post("/v1/estimates", keyA, key, "application/json", body);
        HttpResponse<String> retry = awaitReplay(() -> post("/v1/estimates", keyA, key, "application/json", body));

        JsonNode answer = JSON.readTree(first.body());
        assertThat(answer.get("bytes").asInt()).isEqualTo(body.length());
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(ESTIMATES.get()).isEqualTo(answer.get("calls").asInt());
    }

    @Test
    void a_retried_file_upload_is_stored_once_though_its_multipart_boundary_differs() throws Exception {
        String name = "idempotent-" + UUID.randomUUID() + ".jsonl";
        String content = "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":" + chat("x") + "}";

        HttpResponse<String> first = rig.upload(keyA, "upload-" + name, name, content);
        HttpResponse<String> retry = awaitReplay(() -> rig.upload(keyA, "upload-" + name, name, content));

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(rig.count("select count(*) from files where filename = ?", name)).isEqualTo(1);
        assertThat(rig.upload(keyA, "upload2-" + name, name, content).statusCode()).as("a new key uploads again").isEqualTo(200);
        assertThat(rig.count("select count(*) from files where filename = ?", name)).isEqualTo(2);
    }

    @Test
    void an_expired_key_is_claimed_afresh_and_no_key_means_no_replay() throws Exception {
        String marker = UUID.randomUUID().toString();
        String key = "expiring-" + marker;
        String first = JSON.readTree(post("/v1/jobs", keyA, key, "application/json", chat(marker)).body()).get("id").asText();
        rig.update("update idempotency_keys set expires_at = now() - interval '1 second' where key = ?", key);

        String second = JSON.readTree(post("/v1/jobs", keyA, key, "application/json", chat(marker)).body()).get("id").asText();
        assertThat(second).isNotEqualTo(first);

        post("/v1/jobs", keyA, null, "application/json", chat(marker));
        post("/v1/jobs", keyA, null, "application/json", chat(marker));
        assertThat(rig.count("select count(*) from jobs where request::text like ?", "%" + marker + "%")).isEqualTo(4);
    }

    @Test
    void a_key_over_255_characters_is_a_400() throws Exception {
        HttpResponse<String> tooLong = post("/v1/jobs", keyA, "k".repeat(256), "application/json", chat("x"));

        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(code(tooLong)).isEqualTo("invalid_idempotency_key");
        assertThat(post("/v1/jobs", keyA, "k".repeat(255), "application/json", chat("x")).statusCode()).isEqualTo(202);
    }

    private interface Call {
        HttpResponse<String> send() throws Exception;
    }

    /** The answer is stored just after it is sent, so a retry right away may still find it in flight (409). */
    private static HttpResponse<String> awaitReplay(Call call) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        HttpResponse<String> r = call.send();
        while (r.headers().firstValue(IdempotentPosts.REPLAYED).isEmpty() && System.nanoTime() < deadline) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
            Thread.sleep(50);
            r = call.send();
        }
        assertThat(r.headers().firstValue(IdempotentPosts.REPLAYED)).as(r.body()).hasValue("true");
        return r;
    }

    private static HttpResponse<String> awaitStatus(Call call, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        HttpResponse<String> r = call.send();
        while (r.statusCode() != status && System.nanoTime() < deadline) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
            Thread.sleep(50);
            r = call.send();
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return r;
    }
}
