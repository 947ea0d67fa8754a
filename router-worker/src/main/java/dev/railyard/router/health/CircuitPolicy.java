package dev.railyard.router.health;

import java.time.Duration;

/**
 * When a deployment's circuit opens and how it recovers.
 *
 * @param minRequests         the failure rate counts only over at least this many attempts in the window
 * @param failureRate         open when at least this share (0..1) of the window's attempts failed
 * @param consecutiveFailures open after this many provider-side failures in a row, whatever the window
 * @param openFor             how long an open circuit refuses work before it lets probes through
 * @param probes              probe jobs a half-open circuit allows; all succeed → closed, any fails → open
 */
public record CircuitPolicy(int minRequests, double failureRate, int consecutiveFailures, Duration openFor, int probes) {
    public static final CircuitPolicy DEFAULTS = new CircuitPolicy(20, 0.5, 10, Duration.ofSeconds(30), 3);

    public CircuitPolicy {
        if (minRequests < 1 || consecutiveFailures < 1 || probes < 1) {
            throw new IllegalArgumentException("min_requests, consecutive_failures and probes must be at least 1");
        }
        if (!(failureRate > 0 && failureRate <= 1)) {
            throw new IllegalArgumentException("failure_rate must be in (0, 1], got " + failureRate);
        }
        if (openFor.isNegative() || openFor.isZero()) {
            throw new IllegalArgumentException("open_for must be positive, got " + openFor);
        }
    }

    /** Whether the window's counts (since the circuit last closed) or the failure streak trip the circuit. */
    boolean trips(int windowRequests, int windowFailures, int streak) {
        return streak >= consecutiveFailures
                || windowRequests >= minRequests && windowFailures >= failureRate * windowRequests;
    }
}
