package dev.railyard.api.stats;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One bucket of {@code GET /v1/stats}: jobs submitted and finished in it, the finished jobs' latency percentiles
 * (null when none finished), their cost and tokens.
 */
public record StatsBucket(Instant start, long submitted, long succeeded, long failed, Double latencyP50Ms,
                          Double latencyP95Ms, BigDecimal cost, long tokens) {
    public long finished() {
        return succeeded + failed;
    }
}
