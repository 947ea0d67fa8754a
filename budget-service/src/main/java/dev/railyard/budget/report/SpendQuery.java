package dev.railyard.budget.report;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * What to read from the spend ledger.
 *
 * @param groupBy the dimensions, in the order asked; at least one, each once
 * @param bucket  time buckets, or null for one row per group over the whole range
 * @param from    entries at or after this instant, or null
 * @param to      entries before this instant (exclusive), or null
 * @param tenant  only this tenant's entries, or null for everyone's
 */
public record SpendQuery(List<SpendDimension> groupBy, SpendBucket bucket, Instant from, Instant to, String tenant) {
    public SpendQuery {
        groupBy = List.copyOf(groupBy);
        if (groupBy.isEmpty() || groupBy.stream().distinct().count() != groupBy.size()) {
            throw new IllegalArgumentException("group_by needs one or more distinct dimensions, got " + groupBy);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from " + from + " is not before to " + to);
        }
    }

    public static SpendQuery of(SpendDimension... groupBy) {
        return new SpendQuery(List.of(groupBy), null, null, null, null);
    }

    public SpendQuery withBucket(SpendBucket b) {
        return new SpendQuery(groupBy, b, from, to, tenant);
    }

    public SpendQuery between(Instant fromOrNull, Instant toOrNull) {
        return new SpendQuery(groupBy, bucket, fromOrNull, toOrNull, tenant);
    }

    public SpendQuery forTenant(String tenantOrNull) {
        return new SpendQuery(groupBy, bucket, from, to, tenantOrNull);
    }

    /**
     * Reads the request's parameters (each null when absent); {@code group_by} defaults to {@code model}.
     *
     * @throws Invalid naming the parameter at fault
     */
    public static SpendQuery parse(String groupBy, String bucket, String from, String to, String tenant) {
        List<SpendDimension> dims = new ArrayList<>();
        for (String part : (groupBy == null ? "model" : groupBy).split(",", -1)) {
            String code = part.trim();
            SpendDimension d = SpendDimension.of(code).orElseThrow(() -> new Invalid("group_by",
                    "group_by must be one or more of " + SpendDimension.codes() + ", comma-separated; got '" + groupBy + "'"));
            if (dims.contains(d)) {
                throw new Invalid("group_by", "group_by names '" + code + "' twice");
            }
            dims.add(d);
        }
        SpendBucket b = bucket == null ? null : SpendBucket.of(bucket.trim()).orElseThrow(() -> new Invalid("bucket",
                "bucket must be one of " + SpendBucket.codes() + "; got '" + bucket + "'"));
        Instant start = instant("from", from);
        Instant end = instant("to", to);
        if (start != null && end != null && !start.isBefore(end)) {
            throw new Invalid("to", "to (" + end + ") must be after from (" + start + "); to is exclusive");
        }
        return new SpendQuery(dims, b, start, end, tenant == null || tenant.isEmpty() ? null : tenant);
    }

    /** An ISO-8601 instant ({@code 2026-03-15T10:00:00Z}, any offset) or a date, meaning its UTC midnight. */
    private static Instant instant(String param, String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        try {
            return v.length() == 10 ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new Invalid(param, param + " must be an ISO-8601 instant such as 2026-03-15T00:00:00Z, or a date"
                    + " such as 2026-03-15 (UTC midnight); got '" + value + "'");
        }
    }

    /** A request parameter that cannot be read; {@link #param()} names it. */
    public static final class Invalid extends IllegalArgumentException {
        private final String param;

        public Invalid(String param, String message) {
            super(message);
            this.param = param;
        }

        public String param() {
            return param;
        }
    }
}
