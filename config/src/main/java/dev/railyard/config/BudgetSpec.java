package dev.railyard.config;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A spend limit (railyard.yaml {@code budgets:}, or created through the admin API). The router reserves each
 * job's worst-case cost on every budget whose scope matches the job; the budget service settles the
 * reservation with the billed cost.
 *
 * @param id           unique name, e.g. {@code team-a-daily}
 * @param scope        what the budget counts
 * @param scopeValue   the tenant, API key id, project, tag, model or provider it counts (null for {@link Scope#GLOBAL})
 * @param period       the window length (UTC)
 * @param limitUsd     the limit per window in US dollars, exact
 * @param action       what happens to a job that would overshoot it
 * @param alertAt      soft thresholds in percent of the limit (e.g. 50, 80, 100), ascending; each alerts once per window
 * @param alertWebhook where threshold alerts are POSTed, or null for none (alerts are still recorded)
 */
public record BudgetSpec(String id, Scope scope, String scopeValue, BudgetPeriod period, BigDecimal limitUsd, Action action,
                         List<Integer> alertAt, String alertWebhook) {

    /** The thresholds a budget alerts at when it names none. */
    public static final List<Integer> DEFAULT_ALERT_AT = List.of(50, 80, 100);

    public enum Scope {
        GLOBAL, TENANT, API_KEY, PROJECT, TAG, MODEL, PROVIDER;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * {@code reject}: the job ends with {@code budget_exceeded}; {@code defer}: the job is held and released when
     * the window resets or the limit is raised; {@code warn}: it runs, is counted and alerts.
     */
    public enum Action {
        REJECT, DEFER, WARN;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public BudgetSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(limitUsd, "limitUsd");
        Objects.requireNonNull(action, "action");
        alertAt = List.copyOf(alertAt == null ? DEFAULT_ALERT_AT : alertAt);
        if (limitUsd.signum() < 0) {
            throw new IllegalArgumentException("a budget limit must not be negative");
        }
        if ((scope == Scope.GLOBAL) != (scopeValue == null)) {
            throw new IllegalArgumentException("a global budget has no scope value; every other scope needs one");
        }
        for (int i = 0; i < alertAt.size(); i++) {
            if (alertAt.get(i) <= 0 || (i > 0 && alertAt.get(i) <= alertAt.get(i - 1))) {
                throw new IllegalArgumentException("alert thresholds must be positive percentages in ascending order");
            }
        }
    }

    /** A budget with the default alert thresholds and no alert webhook. */
    public BudgetSpec(String id, Scope scope, String scopeValue, BudgetPeriod period, BigDecimal limitUsd, Action action) {
        this(id, scope, scopeValue, period, limitUsd, action, DEFAULT_ALERT_AT, null);
    }

    /** Whether a job of {@code tenant} running on a deployment of {@code model} at {@code provider} counts here. */
    public boolean appliesTo(String tenant, String model, String provider) {
        return appliesTo(new Subject(tenant, null, null, List.of(), model, provider));
    }

    /** Whether a job described by {@code subject} counts here. */
    public boolean appliesTo(Subject subject) {
        return switch (scope) {
            case GLOBAL -> true;
            case TENANT -> scopeValue.equals(subject.tenant());
            case API_KEY -> scopeValue.equals(subject.apiKeyId());
            case PROJECT -> scopeValue.equals(subject.project());
            case TAG -> subject.tags().contains(scopeValue);
            case MODEL -> scopeValue.equals(subject.model());
            case PROVIDER -> scopeValue.equals(subject.provider());
        };
    }

    public boolean rejects() {
        return action == Action.REJECT;
    }

    public boolean defers() {
        return action == Action.DEFER;
    }

    /** Whether this budget refuses jobs that do not fit (reject or defer), rather than only counting them. */
    public boolean hard() {
        return action != Action.WARN;
    }

    /**
     * What a budget scope can match on a routed job: its tenant, the API key it was submitted with, its
     * {@code metadata.project}, its {@code metadata.tags} (comma-separated), and the model and provider of
     * the deployment it was routed to. Null for what the job does not have.
     */
    public record Subject(String tenant, String apiKeyId, String project, List<String> tags, String model, String provider) {
        public Subject {
            tags = List.copyOf(tags);
        }
    }
}
