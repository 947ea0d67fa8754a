package dev.railyard.schema.event;

import java.time.Instant;
import java.util.List;

/**
 * A job routed to a deployment, on {@code railyard.dispatch.<provider>}.
 *
 * @param previousAttempts the attempts of earlier hops when this is a fallback (so the final result, and
 *                         the ledger, account for every call), or null on the first hop
 */
public record JobDispatched(
        int schemaVersion,
        String eventId,
        String jobId,
        Instant occurredAt,
        JobSubmitted job,
        RoutingDecision decision,
        List<Attempt> previousAttempts) implements RailyardEvent {

    /** A first-hop dispatch. */
    public JobDispatched(int schemaVersion, String eventId, String jobId, Instant occurredAt, JobSubmitted job,
                         RoutingDecision decision) {
        this(schemaVersion, eventId, jobId, occurredAt, job, decision, null);
    }

    public List<Attempt> previousAttemptsOrEmpty() {
        return previousAttempts == null ? List.of() : previousAttempts;
    }
}
