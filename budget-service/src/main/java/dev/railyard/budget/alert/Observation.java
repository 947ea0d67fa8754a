package dev.railyard.budget.alert;

import dev.railyard.budget.catalog.Budget;
import java.math.BigDecimal;
import java.time.Instant;

/** A budget window's spend as a transaction saw it, to check against the budget's thresholds. */
public record Observation(Budget budget, Instant windowStart, BigDecimal spent) {
}
