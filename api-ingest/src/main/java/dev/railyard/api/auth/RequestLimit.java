package dev.railyard.api.auth;

import io.vertx.core.http.HttpServerResponse;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * One request's standing against its key's limit, written as OpenAI writes it: {@code x-ratelimit-limit-requests},
 * {@code x-ratelimit-remaining-requests} and {@code x-ratelimit-reset-requests} (time until the allowance is full
 * again, e.g. {@code 1.5s}, {@code 6m0s}); a refused request also gets {@code Retry-After} in whole seconds.
 *
 * @param retryAfter how long until one more request is allowed (zero when this one was)
 */
public record RequestLimit(boolean allowed, int limit, long remaining, Duration reset, Duration retryAfter) {
    public static final String LIMIT = "X-RateLimit-Limit-Requests";
    public static final String REMAINING = "X-RateLimit-Remaining-Requests";
    public static final String RESET = "X-RateLimit-Reset-Requests";

    public void writeTo(HttpServerResponse response) {
        response.putHeader(LIMIT, Integer.toString(limit))
                .putHeader(REMAINING, Long.toString(remaining))
                .putHeader(RESET, duration(reset));
        if (!allowed) {
            response.putHeader("Retry-After", Long.toString(retryAfterSeconds()));
        }
    }

    /** Whole seconds, rounded up, at least 1: a client waiting that long is allowed again. */
    public long retryAfterSeconds() {
        long seconds = (retryAfter.toNanos() + 999_999_999L) / 1_000_000_000L;
        return Math.max(1, seconds);
    }

    static String duration(Duration d) {
        long ms = (d.toNanos() + 999_999L) / 1_000_000L;
        if (ms < 1000) {
            return ms + "ms";
        }
        String seconds = BigDecimal.valueOf(ms % 60_000, 3).stripTrailingZeros().toPlainString() + "s";
        return ms >= 60_000 ? ms / 60_000 + "m" + seconds : seconds;
    }
}
