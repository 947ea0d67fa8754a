package dev.railyard.router.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One deployment's recent attempts: the last {@code span} by completion time, at most {@code maxSamples}
 * (the oldest arrivals go first). Keyed by attempt id, so a redelivered result is counted once while its
 * attempts are in the window. Not thread-safe.
 */
final class HealthWindow {
    private record Sample(Instant at, boolean failed, long latencyMs, Long ttftMs, long seq) {
    }

    private final Duration span;
    private final int maxSamples;
    private final LinkedHashMap<String, Sample> samples = new LinkedHashMap<>();
    private long seq;
    /** Samples up to this sequence number happened before the circuit last closed: the failure rate ignores them. */
    private long rateFloor;

    HealthWindow(Duration span, int maxSamples) {
        this.span = span;
        this.maxSamples = maxSamples;
    }

    /** @return false when the attempt was already counted or completed before the window */
    boolean add(String attemptId, Instant at, boolean failed, long latencyMs, Long ttftMs, Instant now) {
        evict(now);
        if (samples.containsKey(attemptId) || at.isBefore(start(now))) {
            return false;
        }
        samples.put(attemptId, new Sample(at, failed, Math.max(0, latencyMs), ttftMs, ++seq));
        if (samples.size() > maxSamples) {
            Iterator<Map.Entry<String, Sample>> eldest = samples.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
        return true;
    }

    void evict(Instant now) {
        Instant start = start(now);
        samples.values().removeIf(s -> s.at().isBefore(start));
    }

    Instant start(Instant now) {
        return now.minus(span);
    }

    /** From now on the failure rate counts only attempts added after this call. */
    void restartRate() {
        rateFloor = seq;
    }

    boolean isEmpty() {
        return samples.isEmpty();
    }

    int requests() {
        return samples.size();
    }

    int failures() {
        return (int) samples.values().stream().filter(Sample::failed).count();
    }

    int rateRequests() {
        return (int) samples.values().stream().filter(s -> s.seq() > rateFloor).count();
    }

    int rateFailures() {
        return (int) samples.values().stream().filter(s -> s.seq() > rateFloor && s.failed()).count();
    }

    /** The nearest-rank percentile (0 < p ≤ 1) of the attempts' latencies, 0 when empty. */
    long latencyPercentile(double p) {
        return percentile(samples.values().stream().map(Sample::latencyMs).toList(), p);
    }

    /** The median time to first token of the attempts that reported one, or null. */
    Long ttftP50() {
        List<Long> ttft = samples.values().stream().map(Sample::ttftMs).filter(Objects::nonNull).toList();
        return ttft.isEmpty() ? null : percentile(ttft, 0.5);
    }

    static long percentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return 0;
        }
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }
}
