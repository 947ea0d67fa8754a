package dev.railyard.budget.report;

import java.util.Arrays;
import java.util.Optional;

/** A time bucket of {@code GET /v1/spend}: UTC calendar hours, days, ISO weeks (from Monday) or months. */
public enum SpendBucket {
    HOUR("hour"), DAY("day"), WEEK("week"), MONTH("month");

    private final String code;

    SpendBucket(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The bucket's start for each ledger entry, as a UTC timestamp (the field is one of four fixed words). */
    String sql() {
        return "date_trunc('" + code + "', l.occurred_at at time zone 'UTC')";
    }

    public static Optional<SpendBucket> of(String code) {
        return Arrays.stream(values()).filter(b -> b.code.equals(code)).findFirst();
    }

    public static String codes() {
        return String.join(", ", Arrays.stream(values()).map(SpendBucket::code).toList());
    }
}
