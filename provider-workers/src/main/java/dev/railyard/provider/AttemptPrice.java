package dev.railyard.provider;

import dev.railyard.config.Deployment;
import dev.railyard.config.RailyardConfig;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.time.Instant;

/** What one billed attempt costs: its usage at the price in effect when the attempt started. */
@FunctionalInterface
interface AttemptPrice {
    BigDecimal cost(Usage usage, Instant startedAt);

    /**
     * The deployment's price (its own, else its model's) in effect at the attempt's start, less the batch
     * discount when the job belongs to a batch. A price change later never reprices an attempt.
     */
    static AttemptPrice of(RailyardConfig config, Deployment deployment, JobSubmitted job) {
        boolean inBatch = job.batchId() != null && !job.batchId().isBlank();
        return (usage, startedAt) -> config.price(deployment, startedAt).cost(usage, inBatch);
    }
}
