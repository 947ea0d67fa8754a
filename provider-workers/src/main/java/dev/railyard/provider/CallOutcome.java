package dev.railyard.provider;

import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.JobError;
import java.time.Instant;
import java.util.List;

/**
 * How a job's calls on one deployment ended.
 *
 * @param response     the successful answer, or null
 * @param error        the last error when every attempt failed, or null
 * @param firstStarted when the first attempt started
 * @param latencyMs    wall time from the first attempt's start to the end of the last
 * @param expired      the job's deadline came while it waited for quota: it ends expired, not failed
 */
record CallOutcome(List<Attempt> attempts, ProviderResponse response, JobError error, Instant firstStarted, long latencyMs,
                   boolean expired) {
    CallOutcome {
        attempts = List.copyOf(attempts);
    }

    CallOutcome(List<Attempt> attempts, ProviderResponse response, JobError error, Instant firstStarted, long latencyMs) {
        this(attempts, response, error, firstStarted, latencyMs, false);
    }

    static CallOutcome expired(List<Attempt> attempts, JobError error, Instant firstStarted, long latencyMs) {
        return new CallOutcome(attempts, null, error, firstStarted, latencyMs, true);
    }

    boolean succeeded() {
        return response != null;
    }
}
