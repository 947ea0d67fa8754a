package dev.railyard.schema.event;

import java.time.Instant;

/** Every event on a job topic: an id for de-duplication, the job it belongs to, when it happened, its schema version. */
public sealed interface RailyardEvent permits JobSubmitted, JobDispatched, JobResult {
    int CURRENT_SCHEMA_VERSION = 1;

    int schemaVersion();

    String eventId();

    String jobId();

    Instant occurredAt();
}
