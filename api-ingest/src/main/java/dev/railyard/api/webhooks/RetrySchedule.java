package dev.railyard.api.webhooks;

import java.time.Duration;
import java.util.List;

/**
 * How long to wait after each failed attempt, as a pure function of the attempt number: after attempt {@code n}
 * (1-based) the wait is {@code delays[n-1]}; after the last delay's attempt the event is given up. A manual retry
 * past the end is one more attempt.
 */
public record RetrySchedule(List<Duration> delays) {

    /**
     * The Standard Webhooks / Svix schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after the first attempt, so
     * eight attempts over 27 h 35 min before giving up.
     */
    public static final RetrySchedule STANDARD = new RetrySchedule(List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10)));

    public RetrySchedule {
        delays = List.copyOf(delays);
        for (Duration d : delays) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("a webhook retry delay must not be negative, got " + d);
            }
        }
    }

    public static RetrySchedule of(Duration... delays) {
        return new RetrySchedule(List.of(delays));
    }

    /** The wait after failed attempt {@code attempt} (1-based), or null when it was the last one. */
    public Duration after(int attempt) {
        return attempt >= 1 && attempt <= delays.size() ? delays.get(attempt - 1) : null;
    }

    /** Attempts in all: the first and one per delay. */
    public int attempts() {
        return delays.size() + 1;
    }

    /** From the first attempt to the last. */
    public Duration span() {
        return delays.stream().reduce(Duration.ZERO, Duration::plus);
    }
}
