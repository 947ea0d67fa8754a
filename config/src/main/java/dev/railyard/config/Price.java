package dev.railyard.config;

import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * What one call costs at a deployment, in US dollars: per million prompt, output and cached prompt
 * tokens, plus a fee per billed call. {@code batchDiscount} is the fraction (0 to 1) taken off the whole
 * call, fee included, when the job belongs to a batch.
 */
public record Price(
        BigDecimal inputPerMillion,
        BigDecimal outputPerMillion,
        BigDecimal cachedInputPerMillion,
        BigDecimal perRequest,
        BigDecimal batchDiscount) {

    public static final Price FREE = new Price(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);

    public Price {
        if (batchDiscount.signum() < 0 || batchDiscount.compareTo(BigDecimal.ONE) > 0) {
            throw new IllegalArgumentException("batch discount must be from 0 to 1, got " + batchDiscount);
        }
    }

    /** Token prices only: no per-call fee, no batch discount. */
    public static Price perMillion(BigDecimal input, BigDecimal output, BigDecimal cachedInput) {
        return new Price(input, output, cachedInput, BigDecimal.ZERO, BigDecimal.ZERO);
    }

    /**
     * The exact cost of one billed call with this usage, rounded once, half-even, to
     * {@link ModelSpec#COST_SCALE} places. Cached tokens are part of the prompt tokens (capped at them).
     */
    public BigDecimal cost(Usage usage, boolean inBatch) {
        long cached = Math.min(usage.cachedPromptTokens(), usage.promptTokens());
        BigDecimal tokens = inputPerMillion.multiply(BigDecimal.valueOf(usage.promptTokens() - cached))
                .add(cachedInputPerMillion.multiply(BigDecimal.valueOf(cached)))
                .add(outputPerMillion.multiply(BigDecimal.valueOf(usage.completionTokens())))
                .movePointLeft(6); // exact: per million
        BigDecimal call = tokens.add(perRequest);
        if (inBatch && batchDiscount.signum() > 0) {
            call = call.multiply(BigDecimal.ONE.subtract(batchDiscount));
        }
        return call.setScale(ModelSpec.COST_SCALE, RoundingMode.HALF_EVEN);
    }

    /**
     * A price no lower than either, for any usage and batch membership: each token price and the fee at
     * their higher value, the batch discount at its lower one.
     */
    public Price atLeast(Price other) {
        return new Price(inputPerMillion.max(other.inputPerMillion), outputPerMillion.max(other.outputPerMillion),
                cachedInputPerMillion.max(other.cachedInputPerMillion), perRequest.max(other.perRequest),
                batchDiscount.min(other.batchDiscount));
    }
}
