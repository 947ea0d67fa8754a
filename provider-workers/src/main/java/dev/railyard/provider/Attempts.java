package dev.railyard.provider;

import dev.railyard.config.Deployment;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Builds attempt records. Only an answered call is billed: calls that got no answer, or an error
 * answer, cost nothing at OpenAI's prices, so they carry no usage and zero cost. An answer refused
 * after the fact (invalid structured output) was still charged by the provider, so it is billed.
 */
final class Attempts {
    private Attempts() {
    }

    /** @param price the cost of a usage at the deployment's price when the attempt started */
    static Attempt succeeded(String jobId, int hop, int tryNumber, Deployment deployment, Instant startedAt,
                             long latencyMs, ProviderResponse response, AttemptPrice price) {
        Usage usage = response.usage() == null ? Usage.NONE : response.usage();
        boolean billed = !Usage.NONE.equals(usage);
        return new Attempt(Attempt.id(jobId, hop, tryNumber), deployment.id(), deployment.provider(), deployment.model(),
                hop, tryNumber, startedAt, latencyMs, response.httpStatus(), usage,
                billed ? price.cost(usage, startedAt) : BigDecimal.ZERO, billed, null);
    }

    static Attempt failed(String jobId, int hop, int tryNumber, Deployment deployment, Instant startedAt,
                          long latencyMs, JobError error) {
        return new Attempt(Attempt.id(jobId, hop, tryNumber), deployment.id(), deployment.provider(), deployment.model(),
                hop, tryNumber, startedAt, latencyMs, error.httpStatus(), Usage.NONE, BigDecimal.ZERO, false, error);
    }

    /**
     * A call the provider answered and charged for, whose answer was then refused (its output does not
     * match the job's response_format, say): failed, yet billed at the answer's usage.
     */
    static Attempt answeredButFailed(String jobId, int hop, int tryNumber, Deployment deployment, Instant startedAt,
                                     long latencyMs, ProviderResponse answer, JobError error, AttemptPrice price) {
        Usage usage = answer.usage() == null ? Usage.NONE : answer.usage();
        boolean billed = !Usage.NONE.equals(usage);
        return new Attempt(Attempt.id(jobId, hop, tryNumber), deployment.id(), deployment.provider(), deployment.model(),
                hop, tryNumber, startedAt, latencyMs, answer.httpStatus(), usage,
                billed ? price.cost(usage, startedAt) : BigDecimal.ZERO, billed, error);
    }

    /** What the job cost: the sum over billed attempts. */
    static BigDecimal billedCost(List<Attempt> attempts) {
        BigDecimal total = BigDecimal.ZERO;
        for (Attempt a : attempts) {
            if (a.billed()) {
                total = total.add(a.cost());
            }
        }
        return total;
    }
}
