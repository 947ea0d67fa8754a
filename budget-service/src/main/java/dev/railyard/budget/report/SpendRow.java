package dev.railyard.budget.report;

import java.math.BigDecimal;

/**
 * Spend of one group.
 *
 * @param key     the group's value (a model, tenant, batch id, provider or deployment); null for jobs outside any batch
 * @param entries billed attempts
 * @param cost    exact, in US dollars
 */
public record SpendRow(String key, long entries, long promptTokens, long completionTokens, BigDecimal cost) {
}
