package dev.railyard.router.budget;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * How a router enforces budgets.
 *
 * @param store           the migrated PostgreSQL holding budget windows, reservations and held jobs
 * @param clock           the router's clock: budget windows, deadlines and releases are judged by it
 * @param releaseInterval how often held jobs are looked at for release or expiry
 */
public record BudgetSettings(DataSource store, Clock clock, Duration releaseInterval) {
    public static final Duration DEFAULT_RELEASE_INTERVAL = Duration.ofSeconds(1);

    public BudgetSettings {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(clock, "clock");
        if (releaseInterval.isNegative() || releaseInterval.isZero()) {
            throw new IllegalArgumentException("releaseInterval must be positive");
        }
    }

    /** The system clock, held jobs looked at every second. */
    public static BudgetSettings of(DataSource store) {
        return new BudgetSettings(store, Clock.systemUTC(), DEFAULT_RELEASE_INTERVAL);
    }
}
