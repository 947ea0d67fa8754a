package dev.railyard.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The whole validated configuration (railyard.yaml). */
public record RailyardConfig(
        Map<String, ProviderConfig> providers,
        Map<String, ModelSpec> models,
        List<Deployment> deployments,
        RetryPolicy retry) {

    public Optional<ModelSpec> model(String name) {
        return Optional.ofNullable(models.get(name));
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
        return new RailyardConfig(Map.copyOf(replaced), models, deployments, retry);
    }

    public RailyardConfig withRetry(RetryPolicy policy) {
        return new RailyardConfig(providers, models, deployments, policy);
    }
}
