package dev.railyard.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);
    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void commits_only_the_contiguous_prefix_of_finished_offsets() {
        for (long o = 10; o < 14; o++) {
            tracker.started(P0, o);
        }
        tracker.done(P0, 12);
        tracker.done(P0, 11);
        assertThat(tracker.drainCommittable()).isEmpty(); // 10 still running
        tracker.done(P0, 10);
        assertThat(tracker.drainCommittable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(13)));
        tracker.done(P0, 13);
        assertThat(tracker.drainCommittable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(14)));
        assertThat(tracker.inFlight()).isZero();
    }

    @Test
    void partitions_are_independent() {
        tracker.started(P0, 0);
        tracker.started(P1, 0);
        tracker.done(P1, 0);
        assertThat(tracker.drainCommittable()).isEqualTo(Map.of(P1, new OffsetAndMetadata(1)));
        assertThat(tracker.inFlight()).isEqualTo(1);
    }

    @Test
    void a_revoked_partition_is_forgotten_and_late_completions_are_ignored() {
        tracker.started(P0, 5);
        tracker.started(P0, 6);
        tracker.forget(P0);
        assertThat(tracker.inFlight()).isZero();
        tracker.done(P0, 5);
        assertThat(tracker.drainCommittable()).isEmpty();
        assertThat(tracker.inFlight()).isZero();
    }
}
