package dev.railyard.simulator;

import java.util.Map;

/**
 * A snapshot of what the simulator answered.
 *
 * @param totalRequests  requests answered (or dropped by an injected timeout)
 * @param byStatus       answers per HTTP status; {@link #NO_ANSWER} counts injected timeouts
 * @param totalLatencyMs the simulated latency added to all answers
 */
public record SimulatorStats(long totalRequests, Map<Integer, Long> byStatus, long totalLatencyMs) {
    /** The status key of requests held and then dropped without an answer. */
    public static final int NO_ANSWER = 0;

    public SimulatorStats {
        byStatus = Map.copyOf(byStatus);
    }

    public long count(int status) {
        return byStatus.getOrDefault(status, 0L);
    }
}
