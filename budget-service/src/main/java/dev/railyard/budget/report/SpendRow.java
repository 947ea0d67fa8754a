package dev.railyard.budget.report;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

/**
 * Spend of one group (in one time bucket, when bucketed).
 *
 * @param bucketStart      the bucket's UTC start, or null when the query has no buckets
 * @param groups           the group's value of each {@code group_by} dimension, in that order; null where the
 *                         entry has none (a job outside any batch, without tags or project)
 * @param entries          billed attempts
 * @param cost             exact, in US dollars
 * @param estimatedEntries entries whose cost was estimated (the provider reported no usage)
 */
public record SpendRow(Instant bucketStart, List<String> groups, long entries, long promptTokens, long completionTokens,
                       BigDecimal cost, long estimatedEntries) {
    public SpendRow {
        groups = Collections.unmodifiableList(new java.util.ArrayList<>(groups)); // values may be null
    }

    /** The value of the single dimension of a one-dimension query. */
    public String key() {
        return groups.get(0);
    }
}
