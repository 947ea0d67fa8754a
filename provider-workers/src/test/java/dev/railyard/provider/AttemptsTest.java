package dev.railyard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.railyard.config.Deployment;
import dev.railyard.config.ModelSpec;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AttemptsTest {
    private static final Deployment DEPLOYMENT = new Deployment("openai-gpt-4o-mini", "openai", "gpt-4o-mini", "gpt-4o-mini-2024-07-18");
    private static final ModelSpec MINI = new ModelSpec("gpt-4o-mini", "openai", "chat", new BigDecimal("0.15"),
            new BigDecimal("0.60"), new BigDecimal("0.075"), 128_000, Set.of("chat"));
    private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");

    private static ProviderResponse ok(Usage usage) {
        return new ProviderResponse(200, JsonNodeFactory.instance.objectNode().put("id", "chatcmpl-1"), usage, "req_1", 40);
    }

    @ParameterizedTest(name = "{0} prompt ({2} cached) + {1} completion tokens = ${3}")
    @CsvSource({
        "8, 12, 0, 0.000008400000",          // 8 x 0.15 + 12 x 0.60 per million
        "1000000, 0, 0, 0.150000000000",
        "1000, 500, 400, 0.000420000000",    // 600 x 0.15 + 400 x 0.075 + 500 x 0.60 per million
        "0, 0, 0, 0"})
    void successful_attempts_are_billed_at_the_models_exact_prices(long prompt, long completion, long cached, String cost) {
        Usage usage = new Usage(prompt, completion, cached);

        Attempt a = Attempts.succeeded("job-1", 1, 2, DEPLOYMENT, T0, 40, ok(usage), (u, t) -> MINI.cost(u));

        assertThat(a.cost()).isEqualByComparingTo(cost);
        assertThat(a.billed()).isEqualTo(!usage.equals(Usage.NONE));
        assertThat(a.usage()).isEqualTo(usage);
        assertThat(a.attemptId()).isEqualTo("job-1:1:2");
        assertThat(a.deploymentId()).isEqualTo("openai-gpt-4o-mini");
        assertThat(a.provider()).isEqualTo("openai");
        assertThat(a.model()).isEqualTo("gpt-4o-mini");
        assertThat(a.httpStatus()).isEqualTo(200);
        assertThat(a.error()).isNull();
    }

    @Test
    void failed_attempts_cost_nothing_and_keep_their_error() {
        JobError error = new JobError(ErrorType.RATE_LIMITED, "slow down", 429, "{\"error\":{}}", "req_2");

        Attempt a = Attempts.failed("job-1", 2, 1, DEPLOYMENT, T0, 5, error);

        assertThat(a.attemptId()).isEqualTo("job-1:2:1");
        assertThat(a.billed()).isFalse();
        assertThat(a.cost()).isEqualByComparingTo("0");
        assertThat(a.usage()).isEqualTo(Usage.NONE);
        assertThat(a.httpStatus()).isEqualTo(429);
        assertThat(a.error()).isEqualTo(error);
    }

    @Test
    void a_jobs_cost_is_the_sum_of_its_billed_attempts() {
        List<Attempt> attempts = List.of(
                Attempts.failed("j", 1, 1, DEPLOYMENT, T0, 5, JobError.of(ErrorType.SERVER_ERROR, "boom")),
                Attempts.failed("j", 1, 2, DEPLOYMENT, T0, 5, JobError.of(ErrorType.TIMEOUT, "slow")),
                Attempts.succeeded("j", 1, 3, DEPLOYMENT, T0, 5, ok(new Usage(8, 12, 0)), (u, t) -> MINI.cost(u)));

        assertThat(Attempts.billedCost(attempts)).isEqualByComparingTo("0.0000084");
        assertThat(Attempts.billedCost(List.of())).isEqualByComparingTo("0");
    }

    @Test
    void a_succeeded_result_carries_the_response_usage_cost_and_every_attempt() {
        var job = Jobs.chat("job-7", "gpt-4o-mini", "hi");
        ProviderResponse response = ok(new Usage(8, 12, 0));
        List<Attempt> attempts = List.of(
                Attempts.failed("job-7", 1, 1, DEPLOYMENT, T0, 5, JobError.of(ErrorType.SERVER_ERROR, "boom")),
                Attempts.succeeded("job-7", 1, 2, DEPLOYMENT, T0, 5, response, (u, t) -> MINI.cost(u)));

        JobResult r = JobResults.of(job, DEPLOYMENT.id(), new CallOutcome(attempts, response, null, T0, 77), T0);

        assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(r.schemaVersion()).isEqualTo(1);
        assertThat(r.eventId()).isNotBlank();
        assertThat(r.jobId()).isEqualTo("job-7");
        assertThat(r.tenant()).isEqualTo("tenant-a");
        assertThat(r.batchId()).isEqualTo("batch-1");
        assertThat(r.customId()).isEqualTo("custom-job-7");
        assertThat(r.endpoint()).isEqualTo("/v1/chat/completions");
        assertThat(r.model()).isEqualTo("gpt-4o-mini");
        assertThat(r.deploymentId()).isEqualTo("openai-gpt-4o-mini");
        assertThat(r.response()).isEqualTo(response.body());
        assertThat(r.usage()).isEqualTo(new Usage(8, 12, 0));
        assertThat(r.cost()).isEqualByComparingTo("0.0000084");
        assertThat(r.latencyMs()).isEqualTo(77);
        assertThat(r.timeToFirstTokenMs()).isNull();
        assertThat(r.attempts()).isEqualTo(attempts);
        assertThat(r.error()).isNull();
    }

    @Test
    void a_failed_result_carries_the_last_error_and_no_response() {
        var job = Jobs.chat("job-8", "gpt-4o-mini", "hi");
        JobError last = new JobError(ErrorType.INVALID_REQUEST, "bad", 400, "{}", "req_3");
        List<Attempt> attempts = List.of(Attempts.failed("job-8", 1, 1, DEPLOYMENT, T0, 5, last));

        JobResult r = JobResults.of(job, DEPLOYMENT.id(), new CallOutcome(attempts, null, last, T0, 5), T0);

        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.response()).isNull();
        assertThat(r.usage()).isEqualTo(Usage.NONE);
        assertThat(r.cost()).isEqualByComparingTo("0");
        assertThat(r.error()).isEqualTo(last);
    }
}
