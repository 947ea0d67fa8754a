package dev.railyard.config;

import java.time.Instant;
import java.util.List;

/**
 * A model's (or deployment's) prices over time: {@code initial} from the beginning of time, then each
 * change from its effective-from instant on. A price change is a new entry, never an edit, so an attempt
 * is always priced at what was in effect when it started, however late it is recorded.
 *
 * @param changes strictly increasing by {@code effectiveFrom}
 */
public record PriceSchedule(Price initial, List<Change> changes) {

    /** A price in effect from {@code effectiveFrom} (inclusive) until the next change. */
    public record Change(Instant effectiveFrom, Price price) {
    }

    public static final PriceSchedule FREE = flat(Price.FREE);

    public PriceSchedule {
        changes = List.copyOf(changes);
        for (int i = 1; i < changes.size(); i++) {
            if (!changes.get(i).effectiveFrom().isAfter(changes.get(i - 1).effectiveFrom())) {
                throw new IllegalArgumentException("price changes must be in strictly increasing effective_from order");
            }
        }
    }

    /** One price, forever. */
    public static PriceSchedule flat(Price price) {
        return new PriceSchedule(price, List.of());
    }

    /** The price in effect at {@code instant}. */
    public Price at(Instant instant) {
        for (int i = changes.size() - 1; i >= 0; i--) {
            if (!changes.get(i).effectiveFrom().isAfter(instant)) {
                return changes.get(i).price();
            }
        }
        return initial;
    }

    /**
     * A price no lower than any a call starting at {@code instant} or later can be billed at: the price in
     * effect then, raised by every later (scheduled) change ({@link Price#atLeast}).
     */
    public Price ceilingFrom(Instant instant) {
        Price ceiling = at(instant);
        for (Change c : changes) {
            if (c.effectiveFrom().isAfter(instant)) {
                ceiling = ceiling.atLeast(c.price());
            }
        }
        return ceiling;
    }
}
