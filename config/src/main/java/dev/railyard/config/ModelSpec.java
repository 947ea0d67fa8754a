package dev.railyard.config;

import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Set;

/**
 * A model in the catalog with its public prices in US dollars per million tokens.
 *
 * @param kind           {@code chat} or {@code embedding}
 * @param ownedBy        the family shown in {@code GET /v1/models}
 * @param cachedInputPerMillion price of cached prompt tokens (defaults to the input price)
 */
public record ModelSpec(
        String name,
        String ownedBy,
        String kind,
        BigDecimal inputPerMillion,
        BigDecimal outputPerMillion,
        BigDecimal cachedInputPerMillion,
        int contextWindow,
        Set<String> capabilities) {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    /** Ledger precision: 12 decimal places of a dollar, well below a token's price. */
    public static final int COST_SCALE = 12;

    /** The exact cost of one call with this usage. */
    public BigDecimal cost(Usage usage) {
        long cached = Math.min(usage.cachedPromptTokens(), usage.promptTokens());
        BigDecimal micro = inputPerMillion.multiply(BigDecimal.valueOf(usage.promptTokens() - cached))
                .add(cachedInputPerMillion.multiply(BigDecimal.valueOf(cached)))
                .add(outputPerMillion.multiply(BigDecimal.valueOf(usage.completionTokens())));
        return micro.divide(MILLION, COST_SCALE, RoundingMode.HALF_EVEN);
    }

    public boolean embedding() {
        return "embedding".equals(kind);
    }
}
