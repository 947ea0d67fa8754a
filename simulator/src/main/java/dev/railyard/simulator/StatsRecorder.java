package dev.railyard.simulator;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters updated from the event loop on every answer; LongAdders so reading never slows serving. */
final class StatsRecorder {
    private final LongAdder total = new LongAdder();
    private final LongAdder latencyMs = new LongAdder();
    private final ConcurrentHashMap<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();

    void record(int status, long simulatedLatencyMs) {
        total.increment();
        latencyMs.add(simulatedLatencyMs);
        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    SimulatorStats snapshot() {
        Map<Integer, Long> counts = new HashMap<>();
        byStatus.forEach((status, n) -> counts.put(status, n.sum()));
        return new SimulatorStats(total.sum(), counts, latencyMs.sum());
    }
}
