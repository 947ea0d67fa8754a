package dev.railyard.api.stats;

import dev.railyard.api.http.ApiException;
import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * A {@code GET /v1/stats} request: one tenant's jobs over the last {@code window} seconds in buckets of {@code step}
 * seconds. Buckets are aligned to multiples of the step since the epoch, so successive polls line up; the last bucket
 * holds the current, partial step.
 *
 * @param tenant  the tenant (already checked against the caller)
 * @param window  seconds covered, a multiple of {@code step}
 * @param step    seconds per bucket
 */
public record StatsQuery(String tenant, int window, int step) {
    public static final int DEFAULT_WINDOW = 900;
    public static final int DEFAULT_STEP = 15;
    public static final int MAX_WINDOW = 7 * 24 * 3600;
    public static final int MAX_STEP = 24 * 3600;
    public static final int MAX_BUCKETS = 1440;

    public static StatsQuery parse(String tenant, UnaryOperator<String> params) {
        int window = seconds(params.apply("window"), "window", DEFAULT_WINDOW, 60, MAX_WINDOW);
        int step = seconds(params.apply("step"), "step", DEFAULT_STEP, 1, MAX_STEP);
        if (step > window) {
            throw ApiException.invalid("invalid_value", "step", "step (" + step + "s) must not exceed window (" + window + "s)");
        }
        int buckets = (window + step - 1) / step;
        if (buckets > MAX_BUCKETS) {
            throw ApiException.invalid("invalid_value", "step", "window / step must be at most " + MAX_BUCKETS
                    + " buckets, got " + buckets + " (use a larger step)");
        }
        return new StatsQuery(tenant, buckets * step, step);
    }

    public int buckets() {
        return window / step;
    }

    /** The end of the last bucket: the step boundary after {@code now}. */
    public Instant to(Instant now) {
        long end = Math.floorDiv(now.getEpochSecond(), step) * (long) step + step;
        return Instant.ofEpochSecond(end);
    }

    public Instant from(Instant now) {
        return to(now).minusSeconds(window);
    }

    private static int seconds(String value, String name, int fallback, int min, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        if (value.matches("[0-9]{1,7}")) {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        }
        throw ApiException.invalid("invalid_value", name, name + " must be a whole number of seconds from " + min + " to "
                + max + ", got '" + value + "'");
    }
}
