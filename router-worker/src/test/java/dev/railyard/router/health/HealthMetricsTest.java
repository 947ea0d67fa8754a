package dev.railyard.router.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.Deployment;
import dev.railyard.schema.event.DeploymentHealthSnapshot;
import dev.railyard.schema.event.DeploymentHealthSnapshot.Circuit;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobResult;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The merged live health as gauges: live values, one set per configured deployment, removed on close. */
class HealthMetricsTest {
    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    static final Deployment X = new Deployment("openai-x", "openai", "gpt-4o-mini", "gpt-4o-mini");
    static final Deployment Y = new Deployment("gemini-y", "gemini", "gemini-2.5-flash", "gemini-2.5-flash");

    final MutableClock clock = new MutableClock(T0);
    final HealthSettings settings = HealthSettings.defaults().withCircuit(CircuitBreakerTest.FIVE_IN_A_ROW);
    final HealthTracker tracker = new HealthTracker(settings, clock);
    final HealthView view = new HealthView(settings, clock, new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name()));
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final HealthMetrics metrics = new HealthMetrics(registry, view, List.of(X, Y));

    @AfterEach
    void close() {
        metrics.close();
        view.close();
    }

    double gauge(String name, Deployment d) {
        return registry.get(name).tag("deployment", d.id()).tag("provider", d.provider()).gauge().value();
    }

    /** One attempt on X finishing now, as the aggregator would see it, published straight into the view. */
    void attempt(long latencyMs, boolean fails) {
        String job = "job-" + UUID.randomUUID();
        JobResult r = HealthTrackerTest.result(job, X.id(), fails ? null : 40L, HealthTrackerTest.attempt(job, 1, X.id(),
                clock.instant().minusMillis(latencyMs), latencyMs, fails ? HealthTrackerTest.error(ErrorType.SERVER_ERROR, 500) : null));
        tracker.observe(r).forEach(view::put);
        publish();
    }

    /** What the aggregator's timer does every couple of seconds. */
    void publish() {
        tracker.tick().forEach(view::put);
    }

    @Test
    void a_deployment_whose_circuit_opens_reads_2_then_1_when_half_open_then_0_when_closed() {
        assertThat(gauge(HealthMetrics.CIRCUIT_STATE, X)).isZero();
        for (int i = 0; i < 5; i++) {
            attempt(100, true);
        }
        assertThat(gauge(HealthMetrics.CIRCUIT_STATE, X)).isEqualTo(2);
        assertThat(gauge(HealthMetrics.CIRCUIT_STATE, Y)).as("an unaffected deployment").isZero();

        clock.advance(Duration.ofSeconds(31));
        publish();
        assertThat(gauge(HealthMetrics.CIRCUIT_STATE, X)).isEqualTo(1);

        for (int i = 0; i < 3; i++) {
            attempt(100, false);
        }
        assertThat(gauge(HealthMetrics.CIRCUIT_STATE, X)).isZero();
    }

    @Test
    void latency_error_rate_and_ttft_gauges_read_the_merged_window() {
        attempt(100, false);
        attempt(300, false);
        attempt(200, true);
        attempt(400, false);

        assertThat(gauge(HealthMetrics.LATENCY_P50, X)).isEqualTo(200);
        assertThat(gauge(HealthMetrics.LATENCY_P95, X)).isEqualTo(400);
        assertThat(gauge(HealthMetrics.ERROR_RATE, X)).isEqualTo(0.25);
        assertThat(gauge(HealthMetrics.TTFT_P50, X)).isEqualTo(40);
    }

    @Test
    void a_deployment_nobody_reported_on_is_closed_with_unknown_figures() {
        assertThat(gauge(HealthMetrics.CIRCUIT_STATE, Y)).isZero();
        assertThat(gauge(HealthMetrics.LATENCY_P50, Y)).isNaN();
        assertThat(gauge(HealthMetrics.LATENCY_P95, Y)).isNaN();
        assertThat(gauge(HealthMetrics.ERROR_RATE, Y)).isNaN();
        assertThat(gauge(HealthMetrics.TTFT_P50, Y)).isNaN();
    }

    @Test
    void one_gauge_per_name_and_deployment_however_often_it_is_read() {
        for (int i = 0; i < 3; i++) {
            attempt(100, false);
            gauge(HealthMetrics.CIRCUIT_STATE, X);
        }
        List<Gauge> circuits = List.copyOf(registry.find(HealthMetrics.CIRCUIT_STATE).gauges());
        assertThat(circuits).hasSize(2);
        assertThat(registry.getMeters()).hasSize(2 * 5);
    }

    @Test
    void closing_removes_the_gauges_so_a_restarted_router_binds_its_own_view() {
        for (int i = 0; i < 5; i++) {
            attempt(100, true);
        }
        metrics.close();
        assertThat(registry.getMeters()).isEmpty();

        HealthView fresh = new HealthView(settings, clock, new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name()));
        try (HealthMetrics again = new HealthMetrics(registry, fresh, List.of(X))) {
            assertThat(gauge(HealthMetrics.CIRCUIT_STATE, X)).as("the new view has heard of no open circuit yet").isZero();
        } finally {
            fresh.close();
        }
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"CLOSED, 0", "HALF_OPEN, 1", "OPEN, 2"})
    void circuit_states_map_to_0_1_2(Circuit circuit, double value) {
        DeploymentHealthSnapshot s = new DeploymentHealthSnapshot(1, X.id(), "a", T0, T0, 1, 0, 0, 1, 1, null, circuit, null, 0);
        assertThat(HealthMetrics.circuitState(Optional.of(s))).isEqualTo(value);
    }
}
