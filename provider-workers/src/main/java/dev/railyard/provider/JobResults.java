package dev.railyard.provider;

import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.event.RailyardEvent;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The terminal result event of a job the provider worker finished. */
final class JobResults {
    private JobResults() {
    }

    static JobResult of(JobSubmitted job, String deploymentId, CallOutcome outcome, Instant now) {
        boolean ok = outcome.succeeded();
        return new JobResult(RailyardEvent.CURRENT_SCHEMA_VERSION, UUID.randomUUID().toString(), job.jobId(), now,
                job.tenant(), job.batchId(), job.customId(), job.endpoint(),
                ok ? Outcome.SUCCEEDED : Outcome.FAILED, job.model(), deploymentId,
                ok ? outcome.response().body() : null,
                ok ? outcome.response().usage() : Usage.NONE,
                Attempts.billedCost(outcome.attempts()), outcome.latencyMs(),
                ok ? outcome.response().timeToFirstTokenMs() : null, outcome.attempts(),
                ok ? null : outcome.error(), null, ok ? outcome.response().outputTokensPerSecond() : null);
    }

    /** A job that failed before any call, e.g. routed to a deployment this worker does not know. */
    static JobResult failedWithoutCalling(JobSubmitted job, String deploymentId, JobError error, Instant now) {
        return new JobResult(RailyardEvent.CURRENT_SCHEMA_VERSION, UUID.randomUUID().toString(), job.jobId(), now,
                job.tenant(), job.batchId(), job.customId(), job.endpoint(), Outcome.FAILED, job.model(), deploymentId,
                null, Usage.NONE, BigDecimal.ZERO, 0, null, List.of(), error);
    }
}
