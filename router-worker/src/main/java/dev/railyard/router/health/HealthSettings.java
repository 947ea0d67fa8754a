package dev.railyard.router.health;

import java.time.Duration;
import java.util.UUID;

/**
 * Live deployment health: how it is measured, shared and used.
 *
 * @param instanceId         names this process's partial view on the health topic
 * @param circuit            when circuits open and close
 * @param window             the sliding window of attempts per deployment
 * @param maxSamples         at most this many attempts per deployment in the window
 * @param publishEvery       a snapshot of every tracked deployment at least this often (circuit changes at once)
 * @param staleAfter         snapshots older than this are ignored (their instance is gone)
 * @param probeWindow        a half-open circuit gets at most {@code circuit.probes} jobs from this router per this period
 * @param minLatencySamples  live p50 replaces {@code expected_latency_ms} from this many attempts on
 */
public record HealthSettings(String instanceId, CircuitPolicy circuit, Duration window, int maxSamples,
                             Duration publishEvery, Duration staleAfter, Duration probeWindow, int minLatencySamples) {

    /** A random instance id, the default circuit policy, 60 s / 1000 attempts, every 2 s, stale after 2 min. */
    public static HealthSettings defaults() {
        return new HealthSettings("router-" + UUID.randomUUID(), CircuitPolicy.DEFAULTS, Duration.ofSeconds(60), 1000,
                Duration.ofSeconds(2), Duration.ofMinutes(2), Duration.ofSeconds(30), 5);
    }

    public HealthSettings {
        if (instanceId == null || instanceId.isBlank() || instanceId.contains("|")) {
            throw new IllegalArgumentException("instance id must be non-blank without '|', got " + instanceId);
        }
        if (maxSamples < 1) {
            throw new IllegalArgumentException("max samples must be at least 1");
        }
    }

    public HealthSettings withCircuit(CircuitPolicy policy) {
        return new HealthSettings(instanceId, policy, window, maxSamples, publishEvery, staleAfter, probeWindow, minLatencySamples);
    }

    public HealthSettings withProbeWindow(Duration period) {
        return new HealthSettings(instanceId, circuit, window, maxSamples, publishEvery, staleAfter, period, minLatencySamples);
    }
}
