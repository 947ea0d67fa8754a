package dev.railyard.api.webhooks;

import java.time.Duration;
import java.util.Map;

/**
 * Settings of webhook delivery.
 *
 * @param allowPrivateTargets whether callback URLs may reach loopback, private, link-local and other internal
 *                            addresses; default false (the SSRF guard refuses them). Tests turn it on for a local
 *                            receiver; an installation whose receivers are internal turns it on knowingly (env
 *                            {@code RAILYARD_WEBHOOKS_ALLOW_PRIVATE=true} with the launcher).
 * @param schedule            the waits between attempts, default {@link RetrySchedule#STANDARD}
 * @param timeout             how long one attempt (connect and answer) may take, default 15 s
 * @param poll                how often due events are looked for, default 1 s (events are recorded by other
 *                            processes: budget-service for jobs)
 */
public record WebhookSettings(boolean allowPrivateTargets, RetrySchedule schedule, Duration timeout, Duration poll) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_POLL = Duration.ofSeconds(1);

    public WebhookSettings {
        if (schedule == null) {
            throw new IllegalArgumentException("webhooks: a retry schedule is required");
        }
        if (timeout == null || timeout.toMillis() < 1) {
            throw new IllegalArgumentException("webhooks: timeout must be at least 1 ms, got " + timeout);
        }
        if (poll == null || poll.toMillis() < 1) {
            throw new IllegalArgumentException("webhooks: poll must be at least 1 ms, got " + poll);
        }
    }

    public static WebhookSettings defaults() {
        return new WebhookSettings(false, RetrySchedule.STANDARD, DEFAULT_TIMEOUT, DEFAULT_POLL);
    }

    public WebhookSettings withAllowPrivateTargets(boolean allow) {
        return new WebhookSettings(allow, schedule, timeout, poll);
    }

    /**
     * {@code RAILYARD_WEBHOOKS_ALLOW_PRIVATE} ({@code true}/{@code false}) when set, else this value.
     *
     * @throws IllegalArgumentException naming the variable when its value is neither
     */
    public WebhookSettings withEnv(Map<String, String> env) {
        String value = env.get("RAILYARD_WEBHOOKS_ALLOW_PRIVATE");
        if (value == null || value.isBlank()) {
            return this;
        }
        String v = value.strip();
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("RAILYARD_WEBHOOKS_ALLOW_PRIVATE must be true or false, got '" + value + "'");
        }
        return withAllowPrivateTargets(Boolean.parseBoolean(v));
    }

    public WebhookSettings withSchedule(RetrySchedule retries) {
        return new WebhookSettings(allowPrivateTargets, retries, timeout, poll);
    }

    public WebhookSettings withPoll(Duration every) {
        return new WebhookSettings(allowPrivateTargets, schedule, timeout, every);
    }

    public WebhookSettings withTimeout(Duration limit) {
        return new WebhookSettings(allowPrivateTargets, schedule, limit, poll);
    }
}
