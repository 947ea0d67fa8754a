package dev.railyard.api.jobs;

import java.math.BigDecimal;
import java.time.Instant;

/** One provider call of a job, as budget-service recorded it from the job's result. Null means unset. */
public record AttemptRow(
        String id,
        String deploymentId,
        String provider,
        String model,
        int hop,
        int tryNumber,
        Instant startedAt,
        Long latencyMs,
        Integer httpStatus,
        Long promptTokens,
        Long completionTokens,
        BigDecimal cost,
        boolean billed,
        String errorJson) {
}
