package dev.railyard.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Tracks records handled out of order and yields, per partition, the offset below which every record
 * is done — the only offset it is safe to commit. Not thread-safe: used from the poll thread only.
 */
final class OffsetTracker {
    private final Map<TopicPartition, TreeMap<Long, Boolean>> pending = new HashMap<>();
    private final Map<TopicPartition, Long> committable = new HashMap<>();
    private int inFlight;

    void started(TopicPartition tp, long offset) {
        pending.computeIfAbsent(tp, k -> new TreeMap<>()).put(offset, Boolean.FALSE);
        inFlight++;
    }

    void done(TopicPartition tp, long offset) {
        TreeMap<Long, Boolean> offsets = pending.get(tp);
        if (offsets == null || offsets.replace(offset, Boolean.TRUE) == null) {
            return; // partition was revoked meanwhile; the new owner redelivers it
        }
        inFlight--;
        while (!offsets.isEmpty() && offsets.firstEntry().getValue()) {
            committable.put(tp, offsets.pollFirstEntry().getKey() + 1);
        }
    }

    int inFlight() {
        return inFlight;
    }

    /** Offsets that advanced since the last call. */
    Map<TopicPartition, OffsetAndMetadata> drainCommittable() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        committable.forEach((tp, offset) -> out.put(tp, new OffsetAndMetadata(offset)));
        committable.clear();
        return out;
    }

    void forget(TopicPartition tp) {
        TreeMap<Long, Boolean> offsets = pending.remove(tp);
        if (offsets != null) {
            inFlight -= (int) offsets.values().stream().filter(done -> !done).count();
        }
        committable.remove(tp);
    }
}
