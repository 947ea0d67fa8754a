package dev.railyard.provider;

import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.JobError;
import java.time.Duration;
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
 * @param retryIn      non-null when the next try must wait this long: the job is parked on a delay topic
 */
record CallOutcome(List<Attempt> attempts, ProviderResponse response, JobError error, Instant firstStarted, long latencyMs,
                   boolean expired, Duration retryIn) {
    CallOutcome {
        attempts = List.copyOf(attempts);
    }

    CallOutcome(List<Attempt> attempts, ProviderResponse response, JobError error, Instant firstStarted, long latencyMs) {
        this(attempts, response, error, firstStarted, latencyMs, false, null);
    }

    static CallOutcome expired(List<Attempt> attempts, JobError error, Instant firstStarted, long latencyMs) {
        return new CallOutcome(attempts, null, error, firstStarted, latencyMs, true, null);
    }

    static CallOutcome parked(List<Attempt> attempts, JobError error, Instant firstStarted, long latencyMs, Duration retryIn) {
        return new CallOutcome(attempts, null, error, firstStarted, latencyMs, false, retryIn);
    }

    boolean parked() {
        return retryIn != null;
    }

    boolean succeeded() {
        return response != null;
    }
}
