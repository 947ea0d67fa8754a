package dev.railyard.budget.catalog;

import dev.railyard.config.BudgetSpec;
import java.util.Locale;

/** A budget and where it is defined. */
public record Budget(BudgetSpec spec, Source source) {

    /** {@code config}: railyard.yaml, read-only through the API; {@code api}: created through the admin API. */
    public enum Source {
        CONFIG, API;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public String id() {
        return spec.id();
    }
}
