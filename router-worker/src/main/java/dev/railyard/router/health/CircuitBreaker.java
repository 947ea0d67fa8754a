package dev.railyard.router.health;

import dev.railyard.schema.event.DeploymentHealthSnapshot.Circuit;
import java.time.Clock;
import java.time.Instant;

/**
 * One deployment's circuit: closed → open when {@link CircuitPolicy#trips} → half open after
 * {@code openFor} → closed after {@code probes} successes in a row, or open again on any failure.
 * Outcomes that arrive while open belong to work sent before it opened and change nothing. Pure and
 * not thread-safe: the caller feeds it outcomes in order.
 */
public final class CircuitBreaker {
    private final CircuitPolicy policy;
    private final Clock clock;
    private Circuit state = Circuit.CLOSED;
    private Instant openedAt;
    private int consecutiveFailures;
    private int probeSuccesses;

    public CircuitBreaker(CircuitPolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    /** The state now: an open circuit whose open period has passed is half open. */
    public Circuit state() {
        if (state == Circuit.OPEN && !clock.instant().isBefore(openedAt.plus(policy.openFor()))) {
            state = Circuit.HALF_OPEN;
            probeSuccesses = 0;
        }
        return state;
    }

    /**
     * Records one attempt's outcome.
     *
     * @param windowRequests attempts in the window since the circuit last closed, this one included
     * @param windowFailures failures among them
     * @return the state after this outcome
     */
    public Circuit record(boolean failed, int windowRequests, int windowFailures) {
        Circuit current = state();
        consecutiveFailures = failed ? consecutiveFailures + 1 : 0;
        switch (current) {
            case CLOSED -> {
                if (failed && policy.trips(windowRequests, windowFailures, consecutiveFailures)) {
                    open();
                }
            }
            case OPEN -> {
                // an answer to work sent before the circuit opened: no news about recovery
            }
            case HALF_OPEN -> {
                if (failed) {
                    open();
                } else if (++probeSuccesses >= policy.probes()) {
                    state = Circuit.CLOSED;
                }
            }
        }
        return state;
    }

    /** When the circuit last opened, or null if it never did. */
    public Instant openedAt() {
        return openedAt;
    }

    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    private void open() {
        state = Circuit.OPEN;
        openedAt = clock.instant();
        probeSuccesses = 0;
    }
}
