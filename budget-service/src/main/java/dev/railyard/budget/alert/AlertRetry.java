package dev.railyard.budget.alert;

import java.time.Duration;

/**
 * How alert deliveries are retried: attempt {@code n} (1-based) that fails waits {@code first × 2^(n-1)}, at most
 * {@code longest}; after {@code maxAttempts} the alert is given up (its row keeps the last error).
 */
public record AlertRetry(Duration first, Duration longest, int maxAttempts) {

    /** 5 s, 10 s, 20 s … (at most an hour): the ten attempts span about 43 minutes. */
    public static final AlertRetry DEFAULT = new AlertRetry(Duration.ofSeconds(5), Duration.ofHours(1), 10);

    public AlertRetry {
        if (first.isNegative() || first.isZero() || longest.compareTo(first) < 0 || maxAttempts < 1) {
            throw new IllegalArgumentException("alert retry: first > 0, longest >= first and at least one attempt");
        }
    }

    /** The wait after failed attempt {@code attempt}, or null when it was the last one. */
    public Duration after(int attempt) {
        if (attempt >= maxAttempts) {
            return null;
        }
        Duration d = first.multipliedBy(1L << Math.min(Math.max(attempt - 1, 0), 30));
        return d.compareTo(longest) > 0 ? longest : d;
    }
}
