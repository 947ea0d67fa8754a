package dev.railyard.api.console;

import static dev.railyard.api.EdgeRig.errorCode;
import static dev.railyard.api.EdgeRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.api.EdgeRig;
import dev.railyard.infra.testing.SharedInfrastructure;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The routes the web console reads that no other client needed before: the job search with its cursor, a job's
 * attempts, the live time series, and the console's own files. Rows are written straight into the rig's database
 * (the shape budget-service writes), so each answer can be checked exactly.
 */
@ExtendWith(SharedInfrastructure.class)
class ConsoleApiIT {
    private static EdgeRig rig;
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) throws Exception {
        rig = EdgeRig.start(servers, EdgeRig.settings(), List.of());
        // 5 jobs of batch_a (oldest first), one failed with two attempts; one job of another tenant.
        for (int i = 0; i < 5; i++) {
            String state = i == 3 ? "failed" : "succeeded";
            job("job_" + i, "default", "batch_a", i % 2 == 0 ? "gpt-4o-mini" : "gpt-4o", state, NOW.minusSeconds(50 - i),
                    NOW.minusSeconds(40 - i), 100L * (i + 1), new BigDecimal("0.0010"));
        }
        job("job_q", "default", null, "gpt-4o-mini", "queued", NOW.minusSeconds(5), null, null, null);
        job("job_other", "other", null, "gpt-4o-mini", "succeeded", NOW.minusSeconds(30), NOW.minusSeconds(20), 5L,
                new BigDecimal("0.5"));
        rig.update("""
                insert into attempts (id, job_id, deployment_id, provider, model, hop, try_number, started_at, latency_ms,
                                      http_status, prompt_tokens, completion_tokens, cost, billed, error)
                values ('att_2', 'job_3', 'openai-gpt-4o', 'openai', 'gpt-4o', 2, 1, ?, 80, 400, null, null, 0, false,
                        '{"type":"invalid_request","message":"refused"}'::jsonb),
                       ('att_1', 'job_3', 'openai-gpt-4o-mini', 'openai', 'gpt-4o-mini', 1, 1, ?, 50, 503, null, null, 0, false,
                        '{"type":"server_error","message":"overloaded"}'::jsonb)""",
                Timestamp.from(NOW.minusSeconds(44)), Timestamp.from(NOW.minusSeconds(45)));
    }

    private static void job(String id, String tenant, String batch, String model, String state, Instant created,
                            Instant finished, Long latencyMs, BigDecimal cost) throws Exception {
        rig.update("""
                insert into jobs (id, tenant, batch_id, endpoint, model, state, created_at, finished_at, latency_ms, cost,
                                  prompt_tokens, completion_tokens, attempt_count)
                values (?, ?, ?, '/v1/chat/completions', ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                id, tenant, batch, model, state, Timestamp.from(created), finished == null ? null : Timestamp.from(finished),
                latencyMs, cost, finished == null ? null : 10L, finished == null ? null : 5L, finished == null ? 0 : 1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.path("data").forEach(j -> ids.add(j.path("id").asText()));
        return ids;
    }

    @Test
    void the_job_search_lists_the_tenants_jobs_newest_first_filters_them_and_pages_with_a_cursor() throws Exception {
        JsonNode all = json(rig.get("/v1/jobs", null));
        assertThat(ids(all)).containsExactly("job_q", "job_4", "job_3", "job_2", "job_1", "job_0");
        assertThat(all.path("has_more").asBoolean()).isFalse();
        assertThat(all.path("data").get(1).path("cost").asText()).isEqualTo("0.001");
        assertThat(all.path("data").get(1).has("response")).as("list rows leave the bodies out").isFalse();

        assertThat(ids(json(rig.get("/v1/jobs?status=failed", null)))).containsExactly("job_3");
        assertThat(ids(json(rig.get("/v1/jobs?batch_id=batch_a&model=gpt-4o", null)))).containsExactly("job_3", "job_1");
        assertThat(ids(json(rig.get("/v1/jobs?tenant=other", null)))).as("an admin (the open API) may name a tenant")
                .containsExactly("job_other");

        JsonNode first = json(rig.get("/v1/jobs?batch_id=batch_a&limit=2", null));
        assertThat(ids(first)).containsExactly("job_4", "job_3");
        assertThat(first.path("has_more").asBoolean()).isTrue();
        assertThat(first.path("last_id").asText()).isEqualTo("job_3");
        JsonNode second = json(rig.get("/v1/jobs?batch_id=batch_a&limit=2&after=job_3", null));
        assertThat(ids(second)).containsExactly("job_2", "job_1");
        JsonNode last = json(rig.get("/v1/jobs?batch_id=batch_a&limit=2&after=job_1", null));
        assertThat(ids(last)).containsExactly("job_0");
        assertThat(last.path("has_more").asBoolean()).isFalse();
    }

    @Test
    void bad_search_parameters_are_400s_naming_the_field() throws Exception {
        for (String[] c : new String[][]{{"status=done", "status"}, {"limit=0", "limit"}, {"after=job_nope", "after"}}) {
            HttpResponse<String> r = rig.get("/v1/jobs?" + c[0], null);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(json(r).path("error").path("param").asText()).as(c[0]).isEqualTo(c[1]);
            assertThat(errorCode(r)).isEqualTo("invalid_value");
        }
        HttpResponse<String> stats = rig.get("/v1/stats?step=0", null);
        assertThat(stats.statusCode()).isEqualTo(400);
        assertThat(json(stats).path("error").path("param").asText()).isEqualTo("step");
    }

    @Test
    void a_jobs_attempts_come_in_the_order_they_were_made_and_an_unknown_job_is_a_404() throws Exception {
        JsonNode attempts = json(rig.get("/v1/jobs/job_3/attempts", null));
        assertThat(attempts.path("job_id").asText()).isEqualTo("job_3");
        assertThat(ids(attempts)).containsExactly("att_1", "att_2");
        JsonNode first = attempts.path("data").get(0);
        assertThat(first.path("deployment_id").asText()).isEqualTo("openai-gpt-4o-mini");
        assertThat(first.path("http_status").asInt()).isEqualTo(503);
        assertThat(first.path("error").path("message").asText()).isEqualTo("overloaded");
        assertThat(first.path("billed").asBoolean()).isFalse();
        assertThat(json(rig.get("/v1/jobs/job_0/attempts", null)).path("data")).isEmpty();
        assertThat(rig.get("/v1/jobs/job_other/attempts", null).statusCode()).as("another tenant's job").isEqualTo(404);
        assertThat(rig.get("/v1/jobs/job_other/attempts?tenant=other", null).statusCode()).isEqualTo(200);
        assertThat(rig.get("/v1/jobs/job_other?tenant=other", null).statusCode()).isEqualTo(200);
    }

    @Test
    void the_stats_series_counts_throughput_latency_and_spend_per_bucket() throws Exception {
        JsonNode stats = json(rig.get("/v1/stats?window=300&step=10", null));
        assertThat(stats.path("step_seconds").asInt()).isEqualTo(10);
        assertThat(stats.path("data")).hasSize(30);
        long submitted = 0;
        long succeeded = 0;
        long failed = 0;
        BigDecimal cost = BigDecimal.ZERO;
        double maxP95 = 0;
        for (JsonNode b : stats.path("data")) {
            submitted += b.path("submitted").asLong();
            succeeded += b.path("succeeded").asLong();
            failed += b.path("failed").asLong();
            cost = cost.add(new BigDecimal(b.path("cost").asText()));
            maxP95 = Math.max(maxP95, b.path("latency_p95_ms").asDouble(0));
            assertThat(b.path("finished").asLong()).isEqualTo(b.path("succeeded").asLong() + b.path("failed").asLong());
        }
        assertThat(submitted).as("the default tenant's six jobs").isEqualTo(6);
        assertThat(succeeded).isEqualTo(4);
        assertThat(failed).isEqualTo(1);
        assertThat(cost).isEqualByComparingTo("0.005");
        assertThat(maxP95).isPositive().isLessThanOrEqualTo(500);
    }

    @Test
    void the_console_page_and_its_files_are_served_without_a_key_and_unknown_files_are_404s() throws Exception {
        HttpResponse<String> page = rig.get("/console", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'"));
        assertThat(page.body()).contains("<script type=\"module\" src=\"/console/app.js\">");
        HttpResponse<String> script = rig.get("/console/app.js", null);
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/javascript"));
        HttpResponse<String> missing = rig.get("/console/secret.txt", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(errorCode(missing)).isEqualTo("not_found");
        assertThat(rig.get("/console/..%2Fopenapi.yaml", null).statusCode()).isEqualTo(404);
    }
}
