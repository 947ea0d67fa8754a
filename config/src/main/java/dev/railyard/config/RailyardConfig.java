package dev.railyard.config;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The whole validated configuration (railyard.yaml). */
public record RailyardConfig(
        Map<String, ProviderConfig> providers,
        Map<String, ModelSpec> models,
        List<Deployment> deployments,
        RetryPolicy retry,
        Map<String, RouteSpec> routes,
        List<BudgetSpec> budgets) {

    public RailyardConfig {
        routes = Map.copyOf(routes);
        budgets = List.copyOf(budgets);
    }

    /** A configuration without budgets. */
    public RailyardConfig(Map<String, ProviderConfig> providers, Map<String, ModelSpec> models,
                          List<Deployment> deployments, RetryPolicy retry, Map<String, RouteSpec> routes) {
        this(providers, models, deployments, retry, routes, List.of());
    }

    /** A configuration without routes. */
    public RailyardConfig(Map<String, ProviderConfig> providers, Map<String, ModelSpec> models,
                          List<Deployment> deployments, RetryPolicy retry) {
        this(providers, models, deployments, retry, Map.of(), List.of());
    }

    public Optional<RouteSpec> route(String name) {
        return Optional.ofNullable(routes.get(name));
    }

    /**
     * The deployments a route target stands for: every deployment of a model when it names a model,
     * else the deployment with that id (empty when it names neither).
     */
    public List<Deployment> deploymentsOfTarget(String target) {
        if (models.containsKey(target)) {
            return deploymentsOf(target);
        }
        return deployment(target).map(List::of).orElse(List.of());
    }

    public Optional<ModelSpec> model(String name) {
        return Optional.ofNullable(models.get(name));
    }

    /** What a deployment is billed at: its own prices when it has them, else its model's (free for an unknown model). */
    public PriceSchedule prices(Deployment deployment) {
        if (deployment.prices() != null) {
            return deployment.prices();
        }
        return model(deployment.model()).map(ModelSpec::prices).orElse(PriceSchedule.FREE);
    }

    /** The price of a call on {@code deployment} that starts at {@code startedAt}. */
    public Price price(Deployment deployment, Instant startedAt) {
        return prices(deployment).at(startedAt);
    }

    public Optional<Deployment> deployment(String id) {
        return deployments.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    public List<Deployment> deploymentsOf(String model) {
        return deployments.stream().filter(d -> d.model().equals(model)).toList();
    }

    /** True when some provider has no key and will be served by the simulator. */
    public boolean needsSimulator() {
        return providers.values().stream().anyMatch(p -> !p.hasKey() && p.simulateWithoutKey());
    }

    /** Points every provider without a key (that allows it) at the simulator's root URL, e.g. {@code http://127.0.0.1:8090}. */
    public RailyardConfig withSimulator(String simulatorRoot) {
        Map<String, ProviderConfig> replaced = new LinkedHashMap<>();
        providers.forEach((name, p) -> replaced.put(name,
                !p.hasKey() && p.simulateWithoutKey() ? p.servedBy(simulatorRoot) : p));
        return new RailyardConfig(Map.copyOf(replaced), models, deployments, retry, routes, budgets);
    }

    public RailyardConfig withRetry(RetryPolicy policy) {
        return new RailyardConfig(providers, models, deployments, policy, routes, budgets);
    }

    public RailyardConfig withBudgets(List<BudgetSpec> replaced) {
        return new RailyardConfig(providers, models, deployments, retry, routes, replaced);
    }

    /** The budgets a job of {@code tenant} on {@code deployment} counts against, in configuration order. */
    public List<BudgetSpec> budgetsFor(String tenant, Deployment deployment) {
        return budgetsFor(new BudgetSpec.Subject(tenant, null, null, List.of(), deployment.model(), deployment.provider()));
    }

    /** The configured budgets a job described by {@code subject} counts against, in configuration order. */
    public List<BudgetSpec> budgetsFor(BudgetSpec.Subject subject) {
        return budgets.stream().filter(b -> b.appliesTo(subject)).toList();
    }
}
