package dev.railyard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BudgetPeriodTest {

    @ParameterizedTest(name = "{0} at {1} -> window {2}, resets {3}")
    @CsvSource({
            // period, at,                         window start,           resets at
            "HOURLY,  2026-03-15T10:59:59.999Z, 2026-03-15T10:00:00Z, 2026-03-15T11:00:00Z",
            "HOURLY,  2026-03-15T11:00:00Z,     2026-03-15T11:00:00Z, 2026-03-15T12:00:00Z",
            "HOURLY,  2026-12-31T23:30:00Z,     2026-12-31T23:00:00Z, 2027-01-01T00:00:00Z",
            "DAILY,   2026-03-15T23:59:59Z,     2026-03-15T00:00:00Z, 2026-03-16T00:00:00Z",
            "DAILY,   2026-03-16T00:00:00Z,     2026-03-16T00:00:00Z, 2026-03-17T00:00:00Z",
            // 2026-03-15 is a Sunday: its week began on Monday the 9th; Monday the 16th starts the next.
            "WEEKLY,  2026-03-15T23:59:59Z,     2026-03-09T00:00:00Z, 2026-03-16T00:00:00Z",
            "WEEKLY,  2026-03-16T00:00:00Z,     2026-03-16T00:00:00Z, 2026-03-23T00:00:00Z",
            "WEEKLY,  2026-01-01T12:00:00Z,     2025-12-29T00:00:00Z, 2026-01-05T00:00:00Z",
            "MONTHLY, 2026-02-28T23:59:59Z,     2026-02-01T00:00:00Z, 2026-03-01T00:00:00Z",
            "MONTHLY, 2028-02-29T12:00:00Z,     2028-02-01T00:00:00Z, 2028-03-01T00:00:00Z",
            "MONTHLY, 2026-12-31T23:59:59Z,     2026-12-01T00:00:00Z, 2027-01-01T00:00:00Z",
            "MONTHLY, 2027-01-01T00:00:00Z,     2027-01-01T00:00:00Z, 2027-02-01T00:00:00Z",
    })
    void windows_are_utc_calendar_units(BudgetPeriod period, String at, String start, String resets) {
        assertThat(period.windowStart(Instant.parse(at))).isEqualTo(Instant.parse(start));
        assertThat(period.resetsAt(Instant.parse(at))).contains(Instant.parse(resets));
    }

    @ParameterizedTest
    @CsvSource({"1970-01-01T00:00:00Z", "2026-03-15T10:00:00Z", "2099-12-31T23:59:59Z"})
    void a_total_budget_has_one_window_that_never_resets(String at) {
        assertThat(BudgetPeriod.TOTAL.windowStart(Instant.parse(at))).isEqualTo(Instant.EPOCH);
        assertThat(BudgetPeriod.TOTAL.resetsAt(Instant.parse(at))).isEmpty();
    }
}
