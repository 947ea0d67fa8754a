package dev.railyard.api.webhooks;

import static dev.railyard.api.EdgeRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.api.EdgeRig;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.schema.webhook.WebhookEventType;
import dev.railyard.schema.webhook.WebhookPayloads;
import dev.railyard.schema.webhook.WebhookSigner;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Webhook delivery at the edge against a local receiver: signing, retries, giving up, the delivery log and batch
 * events. Job events are inserted here as budget-service's ledger transaction records them (with the job's terminal
 * state); the launcher's end-to-end test covers that path too. Private targets are allowed (the receiver is local),
 * and the schedule is tiny.
 */
@ExtendWith(SharedInfrastructure.class)
class WebhookDeliveryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WebhookPayloads PAYLOADS = new WebhookPayloads(JSON);
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static EdgeRig rig;
    private static HookReceiver receiver;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) throws Exception {
        WebhookSettings webhooks = WebhookSettings.defaults().withAllowPrivateTargets(true)
                .withSchedule(RetrySchedule.of(Duration.ofMillis(50), Duration.ofMillis(50)))
                .withPoll(Duration.ofMillis(50)).withTimeout(Duration.ofSeconds(10));
        rig = EdgeRig.start(servers, EdgeRig.settings().withWebhooks(webhooks), List.of());
        receiver = new HookReceiver(rig.vertx);
    }

    @AfterAll
    static void stop() throws Exception {
        if (receiver != null) {
            receiver.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void a_job_event_is_delivered_once_signed_with_the_tenant_secret() throws Exception {
        String hook = "signed-" + UUID.randomUUID();
        String job = finishedJob("succeeded", receiver.url(hook));
        String eventId = jobEvent(job, "succeeded", receiver.url(hook));

        JsonNode event = awaitStatus(eventId, "delivered");

        List<HookReceiver.Received> got = receiver.to(hook);
        assertThat(got).hasSize(1);
        HookReceiver.Received r = got.get(0);
        assertThat(r.header("webhook-id")).isEqualTo(eventId);
        assertThat(r.header("content-type")).isEqualTo("application/json");
        long timestamp = Long.parseLong(r.header("webhook-timestamp"));
        assertThat(timestamp).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(300L));
        String secret = json(rig.get("/v1/webhooks/secret", null)).get("secret").asText();
        assertThat(secret).startsWith("whsec_");
        assertThat(new WebhookSigner(secret).verify(eventId, timestamp, r.body().getBytes(StandardCharsets.UTF_8),
                r.header("webhook-signature"))).as("signature under the tenant's secret").isTrue();
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("type").asText()).isEqualTo("job.succeeded");
        assertThat(body.at("/data/id").asText()).isEqualTo(job);
        assertThat(event.get("payload")).isEqualTo(body);

        assertThat(event.get("job_id").asText()).isEqualTo(job);
        assertThat(event.get("type").asText()).isEqualTo("job.succeeded");
        assertThat(event.has("next_attempt_at")).as("nothing more is due").isFalse();
        assertThat(event.get("attempts")).hasSize(1);
        assertThat(event.at("/attempts/0/http_status").asInt()).isEqualTo(204);
        assertThat(event.at("/attempts/0/error").isMissingNode()).isTrue();
        assertThat(json(rig.get("/v1/webhooks/secret", null)).get("secret").asText()).as("stable").isEqualTo(secret);
    }

    @Test
    void a_failing_receiver_is_retried_with_the_same_id_and_body_until_it_answers_2xx() throws Exception {
        String hook = "flaky-" + UUID.randomUUID();
        receiver.answer(hook, 500, 500);
        String job = finishedJob("failed", receiver.url(hook));
        String eventId = jobEvent(job, "failed", receiver.url(hook));

        JsonNode event = awaitStatus(eventId, "delivered");

        List<HookReceiver.Received> got = receiver.to(hook);
        assertThat(got).hasSize(3);
        assertThat(got).extracting(HookReceiver.Received::body).containsOnly(got.get(0).body());
        assertThat(got).extracting(r -> r.header("webhook-id")).containsOnly(eventId);
        assertThat(event.get("attempts")).extracting(a -> a.get("attempt").asInt()).containsExactly(1, 2, 3);
        assertThat(event.get("attempts")).extracting(a -> a.get("http_status").asInt()).containsExactly(500, 500, 204);
        assertThat(event.at("/attempts/0/error").asText()).isEqualTo("HTTP 500");
        assertThat(event.at("/attempts/2/error").isMissingNode()).isTrue();
    }

    @Test
    void an_event_is_given_up_after_the_schedule_and_a_manual_retry_sends_it_once_more() throws Exception {
        String hook = "down-" + UUID.randomUUID();
        receiver.answer(hook, 503, 503, 503);
        String job = finishedJob("expired", receiver.url(hook));
        String eventId = jobEvent(job, "expired", receiver.url(hook));

        JsonNode failed = awaitStatus(eventId, "failed");

        assertThat(receiver.to(hook)).hasSize(3);
        assertThat(failed.get("attempts")).hasSize(3);
        assertThat(failed.has("gave_up_at")).isTrue();
        assertThat(failed.has("next_attempt_at")).isFalse();
        assertThat(failed.get("last_http_status").asInt()).isEqualTo(503);

        HttpResponse<String> retried = rig.post("/v1/webhooks/events/" + eventId + "/retry", null, "application/json", "");
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
        assertThat(json(retried).get("status").asText()).isEqualTo("pending");
        JsonNode delivered = awaitStatus(eventId, "delivered");
        assertThat(delivered.get("attempts")).hasSize(4);
        assertThat(receiver.to(hook)).hasSize(4);
    }

    @Test
    void a_redirect_is_not_followed() throws Exception {
        String hook = "moved-" + UUID.randomUUID();
        receiver.answer(hook, 302, 302, 302);
        String job = finishedJob("succeeded", receiver.url(hook));
        String eventId = jobEvent(job, "succeeded", receiver.url(hook));

        JsonNode failed = awaitStatus(eventId, "failed");

        assertThat(failed.get("attempts")).extracting(a -> a.get("http_status").asInt()).containsOnly(302);
        assertThat(receiver.to(hook + "-redirected")).isEmpty();
    }

    @Test
    void the_log_lists_events_by_job_and_by_batch_and_only_the_callers_tenant() throws Exception {
        String hook = "log-" + UUID.randomUUID();
        String a = finishedJob("succeeded", receiver.url(hook));
        String b = finishedJob("succeeded", receiver.url(hook));
        String eventA = jobEvent(a, "succeeded", receiver.url(hook));
        String eventB = jobEvent(b, "succeeded", receiver.url(hook));
        String foreign = "job_other_" + UUID.randomUUID();
        rig.update("insert into webhook_events (id, tenant, type, subject_id, url, payload) values (?, 'other', 'job.succeeded', ?, ?, '{}')",
                "evt_" + foreign + "_succeeded", foreign, receiver.url(hook));
        awaitStatus(eventA, "delivered");
        awaitStatus(eventB, "delivered");

        JsonNode byJob = json(rig.get("/v1/webhooks/events?job_id=" + a, null));
        assertThat(byJob.get("object").asText()).isEqualTo("list");
        assertThat(byJob.get("data")).extracting(e -> e.get("id").asText()).containsExactly(eventA);
        assertThat(byJob.at("/data/0/attempts")).hasSize(1);

        JsonNode firstPage = json(rig.get("/v1/webhooks/events?limit=1", null));
        assertThat(firstPage.get("data")).hasSize(1);
        assertThat(firstPage.get("has_more").asBoolean()).isTrue();
        JsonNode next = json(rig.get("/v1/webhooks/events?limit=100&after=" + firstPage.get("last_id").asText(), null));
        assertThat(next.get("data")).extracting(e -> e.get("id").asText()).doesNotContain(firstPage.get("last_id").asText());

        assertThat(rig.get("/v1/webhooks/events/evt_" + foreign + "_succeeded", null).statusCode()).isEqualTo(404);
        assertThat(rig.post("/v1/webhooks/events/evt_" + foreign + "_succeeded/retry", null, "application/json", "").statusCode())
                .isEqualTo(404);
        assertThat(json(rig.get("/v1/webhooks/events?job_id=" + foreign, null)).get("data")).isEmpty();
        HttpResponse<String> badLimit = rig.get("/v1/webhooks/events?limit=0", null);
        assertThat(badLimit.statusCode()).isEqualTo(400);
        assertThat(json(badLimit).at("/error/param").asText()).isEqualTo("limit");
    }

    @Test
    void a_batch_with_a_callback_gets_one_batch_completed_once_its_status_is_readable() throws Exception {
        String hook = "batch-" + UUID.randomUUID();
        String input = line("a", CHAT) + line("b", CHAT) + line("bad", CHAT.replace("\"user\"", "\"robot\""));
        HttpResponse<String> created = rig.post("/v1/batches?callback_url=" + receiver.url(hook), null, "application/jsonl", input);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String batchId = json(created).get("id").asText();
        receiver.probe(hook, () -> rig.queryString("select coalesce(finalized_at::text, 'not finalized') from batches where id = ?", batchId));

        rig.update("update jobs set state = 'succeeded', finished_at = now() where batch_id = ? and custom_id = 'a'", batchId);
        Thread.sleep(300); // several delivery rounds with one job still queued: nothing may be recorded yet
        assertThat(rig.count("select count(*) from webhook_events where batch_id = ?", batchId)).isZero();
        rig.update("update jobs set state = 'failed', finished_at = now() where batch_id = ? and custom_id = 'b'", batchId);

        String eventId = "evt_" + batchId + "_completed";
        JsonNode event = awaitStatus(eventId, "delivered");

        List<HookReceiver.Received> got = receiver.to(hook);
        assertThat(got).hasSize(1);
        assertThat((String) got.get(0).probed()).as("finalized when the webhook arrived").isNotEqualTo("not finalized");
        JsonNode body = JSON.readTree(got.get(0).body());
        assertThat(body.get("type").asText()).isEqualTo("batch.completed");
        assertThat(body.get("data")).isEqualTo(JSON.readTree("{\"id\":\"" + batchId + "\",\"object\":\"batch\",\"status\":\"completed\","
                + "\"request_counts\":{\"total\":3,\"completed\":1,\"failed\":2}}"));
        assertThat(json(rig.get("/v1/batches/" + batchId, null)).get("status").asText()).isEqualTo("completed");
        assertThat(event.get("batch_id").asText()).isEqualTo(batchId);
        assertThat(json(rig.get("/v1/webhooks/events?batch_id=" + batchId, null)).get("data"))
                .extracting(e -> e.get("id").asText()).containsExactly(eventId);
        assertThat(rig.count("select count(*) from webhook_events where batch_id = ?", batchId)).isEqualTo(1);
    }

    @Test
    void a_cancelled_batch_gets_batch_cancelled_and_an_expired_one_batch_expired() throws Exception {
        String cancelHook = "cancel-" + UUID.randomUUID();
        String cancelled = batch(cancelHook, line("a", CHAT) + line("b", CHAT));
        HttpResponse<String> cancel = rig.post("/v1/batches/" + cancelled + "/cancel", null, "application/json", "");
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
        // What the router does with the jobs of a batch being cancelled that have not started.
        rig.update("update jobs set state = 'cancelled', finished_at = now() where batch_id = ?", cancelled);

        String expireHook = "expire-" + UUID.randomUUID();
        String expired = batch(expireHook, line("a", CHAT) + line("b", CHAT));
        rig.update("update jobs set state = 'succeeded', finished_at = now() where batch_id = ? and custom_id = 'a'", expired);
        rig.update("update jobs set state = 'expired', finished_at = now() where batch_id = ? and custom_id = 'b'", expired);

        awaitStatus("evt_" + cancelled + "_cancelled", "delivered");
        awaitStatus("evt_" + expired + "_expired", "delivered");

        JsonNode c = JSON.readTree(receiver.to(cancelHook).get(0).body());
        assertThat(c.get("type").asText()).isEqualTo("batch.cancelled");
        assertThat(c.at("/data/status").asText()).isEqualTo("cancelled");
        assertThat(json(rig.get("/v1/batches/" + cancelled, null)).get("status").asText()).isEqualTo("cancelled");
        JsonNode e = JSON.readTree(receiver.to(expireHook).get(0).body());
        assertThat(e.get("type").asText()).isEqualTo("batch.expired");
        assertThat(e.at("/data/request_counts")).isEqualTo(JSON.readTree("{\"total\":2,\"completed\":1,\"failed\":1}"));
        assertThat(json(rig.get("/v1/batches/" + expired, null)).get("status").asText()).isEqualTo("expired");
    }

    @Test
    void a_batch_refused_at_intake_gets_batch_failed() throws Exception {
        String hook = "refused-" + UUID.randomUUID();
        HttpResponse<String> created = rig.post("/v1/batches?callback_url=" + receiver.url(hook), null, "application/jsonl",
                line("bad", CHAT.replace("\"user\"", "\"robot\"")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String batchId = json(created).get("id").asText();
        assertThat(json(created).get("status").asText()).isEqualTo("failed");

        awaitStatus("evt_" + batchId + "_failed", "delivered");

        JsonNode body = JSON.readTree(receiver.to(hook).get(0).body());
        assertThat(body.get("type").asText()).isEqualTo("batch.failed");
        assertThat(body.at("/data/request_counts/failed").asInt()).isEqualTo(1);
    }

    @Test
    void a_callback_url_is_checked_at_submission() throws Exception {
        HttpResponse<String> job = rig.post("/v1/jobs", null, "application/json",
                "{\"body\":" + CHAT + ",\"callback_url\":\"https://user:secret@hooks.example.com/x\"}");
        assertThat(job.statusCode()).isEqualTo(400);
        assertThat(json(job).at("/error/param").asText()).isEqualTo("callback_url");

        HttpResponse<String> batch = rig.post("/v1/batches?callback_url=ftp://hooks.example.com/x", null, "application/jsonl", line("a", CHAT));
        assertThat(batch.statusCode()).isEqualTo(400);
        assertThat(json(batch).at("/error/param").asText()).isEqualTo("callback_url");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** A job as budget-service leaves it: terminal, with its callback URL. */
    private static String finishedJob(String state, String callbackUrl) throws Exception {
        String job = "job_" + UUID.randomUUID().toString().replace("-", "");
        rig.update("insert into jobs (id, tenant, endpoint, model, state, callback_url, finished_at) "
                + "values (?, 'default', '/v1/chat/completions', 'gpt-4o-mini', ?, ?, now())", job, state, callbackUrl);
        return job;
    }

    /** The event budget-service's ledger transaction records with it. */
    private static String jobEvent(String job, String state, String url) throws Exception {
        WebhookEventType type = WebhookEventType.forJobState(state);
        String id = type.eventId(job);
        rig.update("insert into webhook_events (id, tenant, type, subject_id, url, payload, next_attempt_at) values (?, 'default', ?, ?, ?, ?, now())",
                id, type.code(), job, url, PAYLOADS.job(type, Instant.now(), job, state, null, null, null));
        return id;
    }

    private static String batch(String hook, String input) throws Exception {
        HttpResponse<String> created = rig.post("/v1/batches?callback_url=" + receiver.url(hook), null, "application/jsonl", input);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        return json(created).get("id").asText();
    }

    private static String line(String customId, String body) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":" + body + "}\n";
    }

    static JsonNode awaitStatus(String eventId, String status) throws Exception {
        return awaitEvent(() -> {
            HttpResponse<String> r = rig.get("/v1/webhooks/events/" + eventId, null);
            return r.statusCode() == 200 ? json(r) : null;
        }, status, eventId);
    }

    static JsonNode awaitEvent(Callable<JsonNode> read, String status, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode event = read.call();
        while ((event == null || !status.equals(event.get("status").asText())) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            event = read.call();
        }
        assertThat(event).as("event %s", what).isNotNull();
        assertThat(event.get("status").asText()).as("status of %s: %s", what, event).isEqualTo(status);
        return event;
    }
}
