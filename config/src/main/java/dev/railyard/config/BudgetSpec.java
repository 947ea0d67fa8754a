package dev.railyard.config;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;

/**
 * A spend limit (railyard.yaml {@code budgets:}). The router reserves each job's worst-case cost on every
 * budget whose scope matches the job; the budget service settles the reservation with the billed cost.
 *
 * @param id         unique name, e.g. {@code team-a-daily}
 * @param scope      what the budget counts
 * @param scopeValue the tenant, model or provider it counts (null for {@link Scope#GLOBAL})
 * @param period     the window length (UTC)
 * @param limitUsd   the limit per window in US dollars, exact
 * @param action     what happens to a job that would overshoot it
 */
public record BudgetSpec(String id, Scope scope, String scopeValue, BudgetPeriod period, BigDecimal limitUsd, Action action) {

    public enum Scope {
        GLOBAL, TENANT, MODEL, PROVIDER;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code reject}: the job ends with {@code budget_exceeded}; {@code warn}: it runs and is counted. */
    public enum Action {
        REJECT, WARN;

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
        if (limitUsd.signum() < 0) {
            throw new IllegalArgumentException("a budget limit must not be negative");
        }
        if ((scope == Scope.GLOBAL) != (scopeValue == null)) {
            throw new IllegalArgumentException("a global budget has no scope value; every other scope needs one");
        }
    }

    /** Whether a job of {@code tenant} running on a deployment of {@code model} at {@code provider} counts here. */
    public boolean appliesTo(String tenant, String model, String provider) {
        return switch (scope) {
            case GLOBAL -> true;
            case TENANT -> scopeValue.equals(tenant);
            case MODEL -> scopeValue.equals(model);
            case PROVIDER -> scopeValue.equals(provider);
        };
    }

    public boolean rejects() {
        return action == Action.REJECT;
    }
}
