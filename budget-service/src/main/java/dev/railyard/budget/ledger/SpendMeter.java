package dev.railyard.budget.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Collection;

/**
 * {@code railyard.spend} (Prometheus: {@code railyard_spend_usd_total}): USD billed to the ledger, by catalog model and
 * tenant, counted once per ledger entry that a commit actually added, so redelivered results add nothing. A
 * floating-point view for dashboards and alerts; the ledger's {@code numeric} sums stay the exact figure. One
 * series per model and tenant that spent: mind the cardinality with many tenants (docs/metrics.md).
 */
public final class SpendMeter {
    public static final String NAME = "railyard.spend";

    private final MeterRegistry registry;

    public SpendMeter(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts nothing. */
    public static SpendMeter none() {
        return new SpendMeter(new CompositeMeterRegistry());
    }

    /** Entries that were just committed to the ledger for the first time. */
    void added(Collection<ResultProjection.LedgerEntry> entries) {
        for (ResultProjection.LedgerEntry e : entries) {
            Counter.builder(NAME).baseUnit("usd").description("USD billed to the spend ledger")
                    .tags("model", e.model(), "tenant", e.tenant()).register(registry)
                    .increment(e.cost().doubleValue());
        }
    }
}
