package dev.railyard.router.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.DeploymentHealthSnapshot;
import dev.railyard.schema.event.DeploymentHealthSnapshot.Circuit;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The aggregator's arithmetic: windows, percentiles, which failures count, idempotency, when to publish. */
class HealthTrackerTest {
    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    static final String X = "openai-x";
    static final String Y = "openai-y";

    final MutableClock clock = new MutableClock(T0);
    HealthSettings settings = HealthSettings.defaults().withCircuit(CircuitBreakerTest.FIVE_IN_A_ROW);
    HealthTracker tracker = new HealthTracker(settings, clock);

    static Attempt attempt(String jobId, int tryNumber, String deployment, Instant startedAt, long latencyMs, JobError error) {
        return new Attempt(Attempt.id(jobId, 1, tryNumber), deployment, "openai", "gpt-4o-mini", 1, tryNumber, startedAt,
                latencyMs, error == null ? Integer.valueOf(200) : error.httpStatus(), Usage.NONE, BigDecimal.ZERO, error == null, error);
    }

    static JobResult result(String jobId, String deployment, Long ttft, Attempt... attempts) {
        return new JobResult(1, "ev-" + jobId, jobId, T0, "acme", null, null, "/v1/chat/completions", Outcome.SUCCEEDED,
                "gpt-4o-mini", deployment, null, Usage.NONE, BigDecimal.ZERO, 0, ttft, List.of(attempts), null);
    }

    /** A job with one attempt on a deployment, finishing now. */
    JobResult one(String deployment, long latencyMs, JobError error) {
        String job = "job-" + UUID.randomUUID();
        return result(job, deployment, null, attempt(job, 1, deployment, clock.instant().minusMillis(latencyMs), latencyMs, error));
    }

    static JobError error(ErrorType type, Integer status) {
        return new JobError(type, type.code(), status, null, null);
    }

    DeploymentHealthSnapshot current(String deployment) {
        return tracker.current(deployment).orElseThrow();
    }

    @Test
    void latency_percentiles_are_nearest_rank_over_the_window() {
        for (int ms = 100; ms >= 1; ms--) {
            tracker.observe(one(X, ms, null));
        }
        DeploymentHealthSnapshot s = current(X);
        assertThat(s.requests()).isEqualTo(100);
        assertThat(s.latencyP50Ms()).isEqualTo(50);
        assertThat(s.latencyP95Ms()).isEqualTo(95);
        assertThat(s.failures()).isZero();
        assertThat(s.errorRate()).isZero();
        assertThat(s.ttftP50Ms()).isNull();
        assertThat(s.instanceId()).isEqualTo(settings.instanceId());
        assertThat(s.windowStart()).isEqualTo(T0.minusSeconds(60));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', textBlock = """
            1 | 1
            2 | 1
            3 | 2
            4 | 2
            """)
    void the_median_of_a_few_is_the_lower_middle(int count, long p50) {
        assertThat(HealthWindow.percentile(java.util.stream.LongStream.rangeClosed(1, count).boxed().toList(), 0.5)).isEqualTo(p50);
    }

    @Test
    void a_redelivered_result_is_counted_once() {
        JobResult r = one(X, 200, error(ErrorType.SERVER_ERROR, 500));
        for (int i = 0; i < 3; i++) {
            tracker.observe(r);
        }
        assertThat(current(X).requests()).isEqualTo(1);
        assertThat(current(X).failures()).isEqualTo(1);
        assertThat(current(X).consecutiveFailures()).isEqualTo(1);
    }

    @Test
    void five_redeliveries_of_one_failure_do_not_open_the_circuit() {
        JobResult r = one(X, 200, error(ErrorType.TIMEOUT, null));
        for (int i = 0; i < 5; i++) {
            assertThat(tracker.observe(r)).isEmpty();
        }
        assertThat(current(X).circuit()).isEqualTo(Circuit.CLOSED);
    }

    @Test
    void attempts_leave_the_window_after_60_seconds() {
        tracker.observe(one(X, 100, null));
        clock.advance(Duration.ofSeconds(30));
        tracker.observe(one(X, 300, null));
        clock.advance(Duration.ofSeconds(31));

        assertThat(current(X).requests()).isEqualTo(1);
        assertThat(current(X).latencyP50Ms()).isEqualTo(300);
    }

    @Test
    void an_attempt_that_finished_before_the_window_is_ignored() {
        String job = "job-old";
        tracker.observe(result(job, X, null, attempt(job, 1, X, T0.minusSeconds(120), 1000, error(ErrorType.TIMEOUT, null))));
        assertThat(tracker.current(X).map(DeploymentHealthSnapshot::requests).orElse(0L)).isZero();
    }

    @Test
    void the_window_keeps_at_most_max_samples_dropping_the_oldest() {
        settings = new HealthSettings("i1", CircuitBreakerTest.FIVE_IN_A_ROW, Duration.ofSeconds(60), 3, Duration.ofSeconds(2),
                Duration.ofMinutes(2), Duration.ofSeconds(30), 5);
        tracker = new HealthTracker(settings, clock);
        for (long ms : new long[]{1000, 10, 20, 30}) {
            tracker.observe(one(X, ms, null));
        }
        assertThat(current(X).requests()).isEqualTo(3);
        assertThat(current(X).latencyP95Ms()).isEqualTo(30);
    }

    @ParameterizedTest(name = "{0} (HTTP {1}) counts as {2}")
    @CsvSource(nullValues = "-", textBlock = """
            rate_limited,              429, neutral
            overloaded,                529, failure
            timeout,                   -,   failure
            server_error,              503, failure
            malformed_response,        200, failure
            structured_output_invalid, 200, failure
            authentication,            401, failure
            model_not_found,           404, failure
            invalid_request,           400, neutral
            invalid_request,           500, failure
            unsupported_parameter,     -,   neutral
            content_filtered,          400, neutral
            context_length_exceeded,   400, neutral
            budget_exceeded,           -,   neutral
            internal,                  -,   neutral
            malformed_record,          -,   neutral
            """)
    void only_provider_side_failures_count_against_a_deployment(String type, Integer status, String counts) {
        tracker.observe(one(X, 100, error(ErrorType.fromCode(type), status)));
        long requests = tracker.current(X).map(DeploymentHealthSnapshot::requests).orElse(0L);
        long failures = tracker.current(X).map(DeploymentHealthSnapshot::failures).orElse(0L);
        switch (counts) {
            case "failure" -> assertThat(List.of(requests, failures)).containsExactly(1L, 1L);
            case "neutral" -> assertThat(List.of(requests, failures)).containsExactly(0L, 0L);
            default -> throw new IllegalArgumentException(counts);
        }
    }

    @Test
    void ten_caller_errors_do_not_open_the_circuit() {
        for (int i = 0; i < 10; i++) {
            assertThat(tracker.observe(one(X, 5, error(ErrorType.INVALID_REQUEST, 400)))).isEmpty();
        }
        assertThat(tracker.current(X)).isEmpty();
    }

    @Test
    void a_circuit_change_is_returned_for_publication_at_once() {
        List<DeploymentHealthSnapshot> published = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            published.addAll(tracker.observe(one(X, 100, error(ErrorType.SERVER_ERROR, 500))));
        }
        assertThat(published).singleElement().satisfies(s -> {
            assertThat(s.deploymentId()).isEqualTo(X);
            assertThat(s.circuit()).isEqualTo(Circuit.OPEN);
            assertThat(s.openedAt()).isEqualTo(T0);
            assertThat(s.consecutiveFailures()).isEqualTo(5);
            assertThat(s.errorRate()).isEqualTo(1.0);
            assertThat(s.key()).isEqualTo(X + "|" + settings.instanceId());
        });
    }

    @Test
    void each_attempt_of_a_fallback_chain_counts_for_its_own_deployment_and_ttft_for_the_one_that_answered() {
        String job = "job-chain";
        tracker.observe(result(job, Y, 250L,
                attempt(job, 1, X, T0.minusSeconds(3), 1000, error(ErrorType.OVERLOADED, 529)),
                attempt(job, 2, Y, T0.minusSeconds(2), 800, null)));

        assertThat(current(X).failures()).isEqualTo(1);
        assertThat(current(X).ttftP50Ms()).isNull();
        assertThat(current(Y).failures()).isZero();
        assertThat(current(Y).latencyP50Ms()).isEqualTo(800);
        assertThat(current(Y).ttftP50Ms()).isEqualTo(250);
    }

    @Test
    void failures_that_opened_the_circuit_do_not_reopen_it_once_probes_closed_it() {
        // 10 successes then 10 failures: half of 20 opens (the streak alone would have opened at 5, so use a long streak policy)
        settings = HealthSettings.defaults().withCircuit(new CircuitPolicy(20, 0.5, 100, Duration.ofSeconds(30), 3));
        tracker = new HealthTracker(settings, clock);
        for (int i = 0; i < 10; i++) {
            tracker.observe(one(X, 100, null));
        }
        for (int i = 0; i < 10; i++) {
            tracker.observe(one(X, 100, error(ErrorType.TIMEOUT, null)));
        }
        assertThat(current(X).circuit()).isEqualTo(Circuit.OPEN);
        clock.advance(Duration.ofSeconds(30));
        for (int i = 0; i < 3; i++) {
            tracker.observe(one(X, 100, null));
        }
        assertThat(current(X).circuit()).isEqualTo(Circuit.CLOSED);

        tracker.observe(one(X, 100, error(ErrorType.TIMEOUT, null)));

        assertThat(current(X).circuit()).isEqualTo(Circuit.CLOSED);
        assertThat(current(X).failures()).isEqualTo(11); // still shown: they are in the window
    }

    @Test
    void the_periodic_tick_reports_half_open_and_forgets_idle_closed_deployments_after_one_last_snapshot() {
        for (int i = 0; i < 5; i++) {
            tracker.observe(one(X, 100, error(ErrorType.TIMEOUT, null)));
        }
        tracker.observe(one(Y, 100, null));
        clock.advance(Duration.ofSeconds(30));
        assertThat(tracker.tick()).extracting(DeploymentHealthSnapshot::deploymentId, DeploymentHealthSnapshot::circuit)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(X, Circuit.HALF_OPEN), org.assertj.core.groups.Tuple.tuple(Y, Circuit.CLOSED));

        clock.advance(Duration.ofSeconds(31));
        List<DeploymentHealthSnapshot> idle = tracker.tick();
        assertThat(idle).extracting(DeploymentHealthSnapshot::requests).containsExactly(0L, 0L);
        assertThat(tracker.tick()).extracting(DeploymentHealthSnapshot::deploymentId).containsExactly(X); // half open stays
    }
}
