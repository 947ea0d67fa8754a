package dev.railyard.schema.event;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A budget's definition and its current window, on the compacted topic {@code railyard.budget.state} keyed by
 * the budget id. The budget service publishes it when a budget is created, changed or settled against; a
 * null value (tombstone) means the budget was deleted. The router takes budget definitions from here, so
 * budget changes apply without a restart; the PostgreSQL window rows stay the exact truth for reservations.
 *
 * @param scope       global, tenant, api_key, project, tag, model or provider
 * @param scopeValue  what the scope matches, or null for global
 * @param period      hourly, daily, weekly, monthly or total
 * @param action      reject, defer or warn
 * @param alertAt     soft thresholds in percent of the limit
 * @param source      {@code config} (railyard.yaml) or {@code api} (admin API)
 * @param windowStart the start of the current window (the epoch for total)
 * @param resetsAt    when the current window ends, or null for total
 * @param spent       settled spend in the current window
 * @param reserved    worst-case cost reserved by jobs in flight in the current window
 * @param updatedAt   when the budget service published this state
 */
public record BudgetState(
        int schemaVersion,
        String budgetId,
        String scope,
        String scopeValue,
        String period,
        String action,
        BigDecimal limitUsd,
        List<Integer> alertAt,
        String alertWebhook,
        String source,
        Instant windowStart,
        Instant resetsAt,
        BigDecimal spent,
        BigDecimal reserved,
        Instant updatedAt) {

    public static final int SCHEMA_VERSION = 1;
}
