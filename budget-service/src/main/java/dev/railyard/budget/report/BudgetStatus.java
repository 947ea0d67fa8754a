package dev.railyard.budget.report;

import dev.railyard.budget.catalog.Budget;
import dev.railyard.config.BudgetSpec;
import dev.railyard.schema.event.BudgetState;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * One budget's current window.
 *
 * @param resetsAt    when the window ends, or null for a {@code total} budget (it never resets)
 * @param alertsFired the thresholds (percent) that have alerted in this window, ascending
 */
public record BudgetStatus(Budget budget, Instant windowStart, Instant resetsAt, BigDecimal spent, BigDecimal reserved,
                           List<Integer> alertsFired) {

    public BudgetStatus {
        alertsFired = List.copyOf(alertsFired);
    }

    public BudgetSpec spec() {
        return budget.spec();
    }

    /** What is left for new reservations; never below zero (a {@code warn} budget may run over). */
    public BigDecimal remaining() {
        return spec().limitUsd().subtract(spent).subtract(reserved).max(BigDecimal.ZERO);
    }

    /** The record for the compacted budget state topic, as published at {@code now}. */
    public BudgetState state(Instant now) {
        BudgetSpec b = spec();
        return new BudgetState(BudgetState.SCHEMA_VERSION, b.id(), b.scope().code(), b.scopeValue(), b.period().code(), b.action().code(),
                b.limitUsd(), b.alertAt(), b.alertWebhook(), budget.source().code(), windowStart, resetsAt, spent, reserved, now);
    }
}
