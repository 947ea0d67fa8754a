package dev.railyard.config;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.Optional;

/**
 * A budget's window length. Windows are UTC calendar units (weeks start on Monday); {@link #TOTAL} is one
 * window that never resets, starting at the epoch.
 */
public enum BudgetPeriod {
    HOURLY, DAILY, WEEKLY, MONTHLY, TOTAL;

    /** The start of the window that holds {@code at}. */
    public Instant windowStart(Instant at) {
        ZonedDateTime t = at.atZone(ZoneOffset.UTC);
        return switch (this) {
            case HOURLY -> t.truncatedTo(ChronoUnit.HOURS).toInstant();
            case DAILY -> t.truncatedTo(ChronoUnit.DAYS).toInstant();
            case WEEKLY -> t.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toInstant();
            case MONTHLY -> LocalDate.of(t.getYear(), t.getMonth(), 1).atStartOfDay(ZoneOffset.UTC).toInstant();
            case TOTAL -> Instant.EPOCH;
        };
    }

    /** When the window that holds {@code at} ends and the next begins; empty for {@link #TOTAL}. */
    public Optional<Instant> resetsAt(Instant at) {
        ZonedDateTime start = windowStart(at).atZone(ZoneOffset.UTC);
        return switch (this) {
            case HOURLY -> Optional.of(start.plusHours(1).toInstant());
            case DAILY -> Optional.of(start.plusDays(1).toInstant());
            case WEEKLY -> Optional.of(start.plusWeeks(1).toInstant());
            case MONTHLY -> Optional.of(start.plusMonths(1).toInstant());
            case TOTAL -> Optional.empty();
        };
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
