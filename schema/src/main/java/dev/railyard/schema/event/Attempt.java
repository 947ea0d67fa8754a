package dev.railyard.schema.event;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One call to a provider for a job. {@code attemptId} is deterministic ({@code jobId:hop:try}) so a
 * repeated delivery of the same work yields the same id and the ledger can de-duplicate on it.
 *
 * @param billed whether the provider charges for this attempt (it returned usage)
 * @param cost   the attempt's cost at the catalog's prices, exact
 */
public record Attempt(
        String attemptId,
        String deploymentId,
        String provider,
        String model,
        int hop,
        int tryNumber,
        Instant startedAt,
        long latencyMs,
        Integer httpStatus,
        Usage usage,
        BigDecimal cost,
        boolean billed,
        JobError error) {

    public static String id(String jobId, int hop, int tryNumber) {
        return jobId + ":" + hop + ":" + tryNumber;
    }
}
