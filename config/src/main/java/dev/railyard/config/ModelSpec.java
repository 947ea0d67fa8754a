package dev.railyard.config;

import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Set;

/**
 * A model in the catalog with its public prices in US dollars ({@link PriceSchedule}; a deployment may
 * override them, see {@link RailyardConfig#prices(Deployment)}).
 *
 * @param kind    {@code chat} or {@code embedding}
 * @param ownedBy the family shown in {@code GET /v1/models}
 */
public record ModelSpec(
        String name,
        String ownedBy,
        String kind,
        PriceSchedule prices,
        int contextWindow,
        Set<String> capabilities) {

    /** Ledger precision: 12 decimal places of a dollar, well below a token's price. */
    public static final int COST_SCALE = 12;

    /** One flat price per million tokens, forever: no per-call fee, no batch discount. */
    public ModelSpec(String name, String ownedBy, String kind, BigDecimal inputPerMillion, BigDecimal outputPerMillion,
                     BigDecimal cachedInputPerMillion, int contextWindow, Set<String> capabilities) {
        this(name, ownedBy, kind, PriceSchedule.flat(Price.perMillion(inputPerMillion, outputPerMillion, cachedInputPerMillion)),
                contextWindow, capabilities);
    }

    /** The exact cost of one call with this usage at the price in effect now, outside a batch. */
    public BigDecimal cost(Usage usage) {
        return current().cost(usage, false);
    }

    /** The price in effect now. */
    public Price current() {
        return prices.at(Instant.now());
    }

    public BigDecimal inputPerMillion() {
        return current().inputPerMillion();
    }

    public BigDecimal outputPerMillion() {
        return current().outputPerMillion();
    }

    public BigDecimal cachedInputPerMillion() {
        return current().cachedInputPerMillion();
    }

    public boolean embedding() {
        return "embedding".equals(kind);
    }
}
