package dev.railyard.budget.ledger;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A budget window a ledger transaction settled reservations in, with its totals after the move.
 *
 * @param windowStart the window the router reserved in (not necessarily the current one)
 */
public record SettledWindow(String budgetId, Instant windowStart, BigDecimal spent, BigDecimal reserved) {
}
