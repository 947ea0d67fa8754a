package dev.railyard.router.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.Deployment;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.DeploymentHealthSnapshot;
import dev.railyard.schema.event.DeploymentHealthSnapshot.Circuit;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Merging the instances' partial views and what the router makes of them. */
class HealthViewTest {
    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    static final String X = "openai-x";
    static final Deployment DX = new Deployment(X, "openai", "gpt-4o-mini", "gpt-4o-mini");

    final EventCodec codec = new EventCodec();
    final MutableClock clock = new MutableClock(T0);
    final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
    final HealthView view = new HealthView(HealthSettings.defaults(), clock, consumer);

    @AfterEach
    void close() {
        view.close();
    }

    static DeploymentHealthSnapshot snap(String instance, Instant updatedAt, long requests, long failures, long p50, long p95,
                                         Long ttft, Circuit circuit, Instant openedAt, int streak) {
        return new DeploymentHealthSnapshot(1, X, instance, updatedAt.minusSeconds(60), updatedAt, requests, failures,
                requests == 0 ? 0 : (double) failures / requests, p50, p95, ttft, circuit, openedAt, streak);
    }

    static DeploymentHealthSnapshot closed(String instance, long requests, long p50) {
        return snap(instance, T0, requests, 0, p50, p50 * 2, null, Circuit.CLOSED, null, 0);
    }

    static DeploymentHealthSnapshot withCircuit(String instance, Circuit circuit, Instant openedAt) {
        return snap(instance, T0, 10, 10, 100, 200, null, circuit, openedAt, 10);
    }

    ConsumerRecord<byte[], byte[]> record(String key, byte[] value) {
        return new ConsumerRecord<>(Topics.DEPLOYMENT_HEALTH, 0, 0, key.getBytes(StandardCharsets.UTF_8), value);
    }

    @Test
    void merges_instances_by_summing_counts_taking_the_worst_p95_and_weighting_p50_by_requests() {
        view.put(snap("a", T0, 30, 3, 100, 400, 50L, Circuit.CLOSED, null, 1));
        view.put(snap("b", T0.minusSeconds(1), 10, 5, 500, 900, null, Circuit.CLOSED, null, 4));

        DeploymentHealthSnapshot m = view.snapshot().get(X);
        assertThat(m.requests()).isEqualTo(40);
        assertThat(m.failures()).isEqualTo(8);
        assertThat(m.errorRate()).isEqualTo(0.2);
        assertThat(m.latencyP50Ms()).isEqualTo(200); // (30×100 + 10×500) / 40
        assertThat(m.latencyP95Ms()).isEqualTo(900);
        assertThat(m.ttftP50Ms()).isEqualTo(50);
        assertThat(m.consecutiveFailures()).isEqualTo(4);
        assertThat(m.instanceId()).isEqualTo("a,b");
        assertThat(m.updatedAt()).isEqualTo(T0);
        assertThat(m.windowStart()).isEqualTo(T0.minusSeconds(61));
    }

    @ParameterizedTest(name = "{0} + {1} + {2} → {3}")
    @CsvSource({
            "CLOSED, CLOSED, CLOSED, CLOSED",
            "CLOSED, HALF_OPEN, CLOSED, HALF_OPEN",
            "HALF_OPEN, OPEN, CLOSED, OPEN",
            "CLOSED, CLOSED, OPEN, OPEN",
            "HALF_OPEN, HALF_OPEN, HALF_OPEN, HALF_OPEN"})
    void the_circuit_is_open_if_any_instance_says_so_else_half_open_if_any_does(Circuit a, Circuit b, Circuit c, Circuit merged) {
        view.put(withCircuit("a", a, T0.minusSeconds(40)));
        view.put(withCircuit("b", b, T0.minusSeconds(20)));
        view.put(withCircuit("c", c, T0.minusSeconds(10)));

        assertThat(view.snapshot().get(X).circuit()).isEqualTo(merged);
        assertThat(view.available(X)).isEqualTo(merged != Circuit.OPEN);
    }

    @Test
    void the_open_time_is_that_of_the_latest_instance_in_the_merged_state() {
        view.put(withCircuit("a", Circuit.OPEN, T0.minusSeconds(40)));
        view.put(withCircuit("b", Circuit.OPEN, T0.minusSeconds(10)));
        view.put(withCircuit("c", Circuit.HALF_OPEN, T0.minusSeconds(5)));

        assertThat(view.snapshot().get(X).openedAt()).isEqualTo(T0.minusSeconds(10));
    }

    @Test
    void an_open_circuit_makes_the_deployment_unavailable_and_says_since_when() {
        view.put(withCircuit("a", Circuit.OPEN, T0.minusSeconds(3)));

        assertThat(view.available(X)).isFalse();
        assertThat(view.unavailableReason(X))
                .isEqualTo("circuit open since 2026-03-01T11:59:57Z (10 of 10 attempts failed in the window, 10 in a row)");
        assertThat(view.available("openai-unknown")).isTrue();
    }

    @Test
    void views_older_than_two_minutes_are_ignored() {
        view.put(withCircuit("a", Circuit.OPEN, T0.minusSeconds(3)));
        view.put(closed("b", 10, 100));
        clock.advance(Duration.ofMinutes(2).plusMillis(1));

        assertThat(view.available(X)).isTrue();
        assertThat(view.snapshot()).isEmpty();
        assertThat(view.latencyP50Millis(DX)).isEqualTo(DX.expectedLatencyMs());

        view.put(snap("b", clock.instant(), 10, 0, 100, 200, null, Circuit.CLOSED, null, 0));
        assertThat(view.snapshot().get(X).instanceId()).isEqualTo("b");
    }

    @Test
    void an_older_view_of_an_instance_does_not_replace_a_newer_one() {
        view.put(withCircuit("a", Circuit.OPEN, T0.minusSeconds(3)));
        view.put(snap("a", T0.minusSeconds(1), 1, 0, 100, 100, null, Circuit.CLOSED, null, 0));

        assertThat(view.available(X)).isFalse();
    }

    @ParameterizedTest(name = "{0} requests → p50 {1}")
    @CsvSource({"0, 1000", "4, 1000", "5, 240", "100, 240"})
    void live_median_latency_replaces_the_expected_one_from_five_attempts(long requests, long p50) {
        view.put(closed("a", requests, 240));
        assertThat(view.latencyP50Millis(DX)).isEqualTo(p50);
    }

    @Test
    void a_half_open_deployment_takes_three_probes_per_window_from_this_router() {
        view.put(withCircuit("a", Circuit.HALF_OPEN, T0.minusSeconds(31)));
        for (int i = 0; i < 3; i++) {
            assertThat(view.available(X)).as("probe %d", i + 1).isTrue();
            view.dispatched(X);
        }
        assertThat(view.available(X)).isFalse();
        assertThat(view.unavailableReason(X)).isEqualTo("circuit half open (opened 2026-03-01T11:59:29Z): 3 probe jobs already sent within PT30S");

        clock.advance(Duration.ofSeconds(30));
        view.put(snap("a", clock.instant(), 10, 10, 100, 200, null, Circuit.HALF_OPEN, T0.minusSeconds(31), 10));
        assertThat(view.available(X)).as("a new probe window").isTrue();
    }

    @Test
    void a_new_open_episode_gets_a_fresh_probe_budget() {
        view.put(withCircuit("a", Circuit.HALF_OPEN, T0.minusSeconds(31)));
        for (int i = 0; i < 3; i++) {
            view.dispatched(X);
        }
        assertThat(view.available(X)).isFalse();

        view.put(snap("a", T0.plusSeconds(1), 10, 10, 100, 200, null, Circuit.HALF_OPEN, T0.minusSeconds(1), 10));
        assertThat(view.available(X)).isTrue();
    }

    @Test
    void dispatches_to_a_closed_deployment_spend_no_probes() {
        view.put(closed("a", 10, 100));
        for (int i = 0; i < 10; i++) {
            view.dispatched(X);
        }
        view.put(snap("a", T0.plusSeconds(1), 10, 10, 100, 200, null, Circuit.HALF_OPEN, T0.minusSeconds(31), 10));
        assertThat(view.available(X)).isTrue();
    }

    @Test
    void records_of_the_topic_add_views_and_tombstones_withdraw_them() {
        view.apply(record(X + "|a", codec.encode(withCircuit("a", Circuit.OPEN, T0))));
        view.apply(record(X + "|b", codec.encode(closed("b", 10, 100))));
        assertThat(view.available(X)).isFalse();

        view.apply(record(X + "|a", null));

        assertThat(view.available(X)).isTrue();
        assertThat(view.snapshot().get(X).instanceId()).isEqualTo("b");
        view.apply(record(X + "|b", null));
        assertThat(view.snapshot()).isEmpty();
    }

    @Test
    void an_unreadable_record_is_skipped() {
        view.apply(record(X + "|a", "not json".getBytes(StandardCharsets.UTF_8)));
        view.apply(record(X + "|b", codec.encode(closed("b", 10, 100))));

        assertThat(view.snapshot()).containsOnlyKeys(X);
    }

    @Test
    void once_started_it_reads_the_topic_from_the_beginning_on_its_own_thread() throws InterruptedException {
        org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(Topics.DEPLOYMENT_HEALTH, 0);
        consumer.updatePartitions(Topics.DEPLOYMENT_HEALTH,
                java.util.List.of(new org.apache.kafka.common.PartitionInfo(Topics.DEPLOYMENT_HEALTH, 0, null, null, null)));
        consumer.updateBeginningOffsets(java.util.Map.of(tp, 0L));
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(Topics.DEPLOYMENT_HEALTH, 0, 0,
                (X + "|a").getBytes(StandardCharsets.UTF_8), codec.encode(withCircuit("a", Circuit.OPEN, T0)))));

        view.start();

        Instant deadline = Instant.now().plusSeconds(10);
        while (view.available(X) && Instant.now().isBefore(deadline)) {
            Thread.sleep(10);
        }
        assertThat(view.available(X)).isFalse();
        assertThat(consumer.assignment()).containsExactly(tp);
    }
}
