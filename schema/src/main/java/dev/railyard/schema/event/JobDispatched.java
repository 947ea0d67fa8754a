package dev.railyard.schema.event;

import java.time.Instant;

/** A job routed to a deployment, on {@code railyard.dispatch.<provider>}. */
public record JobDispatched(
        int schemaVersion,
        String eventId,
        String jobId,
        Instant occurredAt,
        JobSubmitted job,
        RoutingDecision decision) implements RailyardEvent {
}
