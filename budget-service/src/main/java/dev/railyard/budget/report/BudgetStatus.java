package dev.railyard.budget.report;

import dev.railyard.config.BudgetSpec;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * One budget's current window.
 *
 * @param resetsAt when the window ends, or null for a {@code total} budget (it never resets)
 */
public record BudgetStatus(BudgetSpec budget, Instant windowStart, Instant resetsAt, BigDecimal spent, BigDecimal reserved) {

    /** What is left for new reservations; never below zero (a {@code warn} budget may run over). */
    public BigDecimal remaining() {
        return budget.limitUsd().subtract(spent).subtract(reserved).max(BigDecimal.ZERO);
    }
}
