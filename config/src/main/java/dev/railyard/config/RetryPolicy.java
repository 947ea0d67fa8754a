package dev.railyard.config;

import java.time.Duration;

/**
 * Retries of retryable provider errors on one deployment: attempts in all, and the backoff bounds.
 *
 * @param delayTopicAfter a wait at least this long is spent in Kafka's delay topics instead of the worker
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration delayTopicAfter) {
    public static final Duration DEFAULT_DELAY_TOPIC_AFTER = Duration.ofSeconds(10);
    public static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofMillis(250), Duration.ofSeconds(30));

    public RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
        this(maxAttempts, baseDelay, maxDelay, DEFAULT_DELAY_TOPIC_AFTER);
    }
}
