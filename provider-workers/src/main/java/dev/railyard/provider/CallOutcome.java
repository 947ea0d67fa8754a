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
 */
record CallOutcome(List<Attempt> attempts, ProviderResponse response, JobError error, Instant firstStarted, long latencyMs) {
    CallOutcome {
        attempts = List.copyOf(attempts);
    }

    boolean succeeded() {
        return response != null;
    }
}
