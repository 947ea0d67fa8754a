package dev.railyard.budget;

import dev.railyard.budget.alert.AlertRetry;
import java.time.Clock;
import java.time.Duration;

/**
 * The budget service's settings.
 *
 * @param consumerGroup   the consumer group reading {@code railyard.jobs.results} (default {@code railyard-budget})
 * @param clock           what "now" is for budget windows (the current window, when a window rolls over)
 * @param stateInterval   how often every budget's state is republished, so window roll-overs show (default 30 s)
 * @param webhookSecret   the Standard Webhooks signing secret for alert deliveries ({@code whsec_…} or any string), or
 *                        null to send them unsigned; the launcher takes it from {@code RAILYARD_WEBHOOK_SECRET}
 * @param alertRetry      how failed alert deliveries are retried
 * @param alertPoll       how often due alert deliveries are looked for (new ones are sent at once; default 2 s)
 * @param alertTimeout    how long one alert delivery may take (default 10 s)
 * @param stateAckTimeout how long to wait for Kafka to acknowledge budget state (default 30 s)
 * @param jobCountInterval how often the {@code railyard.jobs} and {@code railyard.tenant.backlog} gauges count the jobs
 *                        table (default 15 s; each count reads the whole table, docs/metrics.md)
 * @param backlogTenants  how many tenants (those with the most jobs waiting) get a backlog series of their own (default 20)
 */
public record BudgetSettings(String consumerGroup, Clock clock, Duration stateInterval, String webhookSecret, AlertRetry alertRetry,
                             Duration alertPoll, Duration alertTimeout, Duration stateAckTimeout, Duration jobCountInterval,
                             int backlogTenants) {

    public static BudgetSettings defaults() {
        return new BudgetSettings(BudgetService.GROUP, Clock.systemUTC(), Duration.ofSeconds(30), null, AlertRetry.DEFAULT,
                Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(15), 20);
    }

    public BudgetSettings withConsumerGroup(String group) {
        return new BudgetSettings(group, clock, stateInterval, webhookSecret, alertRetry, alertPoll, alertTimeout,
                stateAckTimeout, jobCountInterval, backlogTenants);
    }

    public BudgetSettings withClock(Clock c) {
        return new BudgetSettings(consumerGroup, c, stateInterval, webhookSecret, alertRetry, alertPoll, alertTimeout,
                stateAckTimeout, jobCountInterval, backlogTenants);
    }

    public BudgetSettings withStateInterval(Duration d) {
        return new BudgetSettings(consumerGroup, clock, d, webhookSecret, alertRetry, alertPoll, alertTimeout,
                stateAckTimeout, jobCountInterval, backlogTenants);
    }

    /** A blank secret counts as none. */
    public BudgetSettings withWebhookSecret(String secret) {
        String s = secret == null || secret.isBlank() ? null : secret;
        return new BudgetSettings(consumerGroup, clock, stateInterval, s, alertRetry, alertPoll, alertTimeout,
                stateAckTimeout, jobCountInterval, backlogTenants);
    }

    public BudgetSettings withAlertDelivery(AlertRetry retry, Duration poll, Duration timeout) {
        return new BudgetSettings(consumerGroup, clock, stateInterval, webhookSecret, retry, poll, timeout,
                stateAckTimeout, jobCountInterval, backlogTenants);
    }

    public BudgetSettings withJobCounts(Duration interval, int tenants) {
        return new BudgetSettings(consumerGroup, clock, stateInterval, webhookSecret, alertRetry, alertPoll, alertTimeout,
                stateAckTimeout, interval, tenants);
    }
}
