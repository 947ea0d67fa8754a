package dev.railyard.config;

import java.time.Duration;

/** Retries of retryable provider errors on one deployment: attempts in all, and the backoff bounds. */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofMillis(250), Duration.ofSeconds(30));
}
