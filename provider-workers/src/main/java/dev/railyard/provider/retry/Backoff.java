package dev.railyard.provider.retry;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before the next attempt: a pure function of the attempt number, so it is tested
 * with a fixed "random" and used with a real one. Exponential growth with full jitter (AWS's
 * "full jitter": spreads retries of many clients evenly), never less than the provider's Retry-After.
 */
public final class Backoff {
    private Backoff() {
    }

    /**
     * @param attempt    the attempt that just failed, from 1
     * @param base       the ceiling of the first delay
     * @param max        the largest delay, also capping Retry-After
     * @param retryAfter what the provider asked for, or null
     * @param random     uniform in [0, 1)
     */
    public static Duration delay(int attempt, Duration base, Duration max, Duration retryAfter, DoubleSupplier random) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt counts from 1, got " + attempt);
        }
        long maxMs = max.toMillis();
        // base * 2^(attempt-1), saturating instead of overflowing for large attempt numbers
        int shift = Math.min(attempt - 1, 62);
        long ceiling = base.toMillis() > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : base.toMillis() << shift;
        ceiling = Math.min(ceiling, maxMs);
        long jittered = (long) (random.getAsDouble() * ceiling);
        if (retryAfter != null) {
            jittered = Math.max(jittered, Math.min(retryAfter.toMillis(), maxMs));
        }
        return Duration.ofMillis(jittered);
    }
}
