package dev.railyard.router.health;

import dev.railyard.config.Deployment;
import dev.railyard.schema.event.DeploymentHealthSnapshot;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The merged live health of every configured deployment ({@link HealthView}) as Micrometer gauges tagged
 * {@code deployment} and {@code provider}. Gauges are registered once per deployment and read the view
 * at each scrape; {@link #close()} removes them, so a router started again on the same registry binds
 * its own view instead of a closed one. A figure nobody has measured yet (no fresh view, or no attempt
 * in the window) reads NaN rather than a made-up 0; the circuit of such a deployment is closed, as the
 * router treats it. One live router per registry: a second one would find the first's gauges registered
 * (Micrometer returns the existing meter for the same name and tags) and remove them when it closes.
 */
public final class HealthMetrics implements AutoCloseable {
    public static final String CIRCUIT_STATE = "railyard.deployment.circuit.state";
    public static final String LATENCY_P50 = "railyard.deployment.latency.p50";
    public static final String LATENCY_P95 = "railyard.deployment.latency.p95";
    public static final String ERROR_RATE = "railyard.deployment.error.rate";
    public static final String TTFT_P50 = "railyard.deployment.ttft.p50";

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    public HealthMetrics(MeterRegistry registry, HealthView view, Collection<Deployment> deployments) {
        this.registry = registry;
        for (Deployment d : deployments) {
            Tags tags = Tags.of("deployment", d.id(), "provider", d.provider());
            String id = d.id();
            gauge(CIRCUIT_STATE, "circuit of the deployment: 0 closed, 1 half open, 2 open", tags, view,
                    v -> circuitState(v.of(id)));
            gauge(LATENCY_P50, "median attempt latency in the health window, ms", tags, view,
                    v -> measured(v.of(id), DeploymentHealthSnapshot::latencyP50Ms));
            gauge(LATENCY_P95, "95th percentile attempt latency in the health window, ms", tags, view,
                    v -> measured(v.of(id), DeploymentHealthSnapshot::latencyP95Ms));
            gauge(ERROR_RATE, "share of attempts in the health window that failed on the provider's side", tags, view,
                    v -> v.of(id).map(DeploymentHealthSnapshot::errorRate).orElse(Double.NaN));
            gauge(TTFT_P50, "median time to first token of streamed results in the health window, ms", tags, view,
                    v -> v.of(id).map(DeploymentHealthSnapshot::ttftP50Ms).map(Long::doubleValue).orElse(Double.NaN));
        }
    }

    /** The gauge value of a circuit: 0 closed (also when nothing is known), 1 half open, 2 open. */
    static double circuitState(Optional<DeploymentHealthSnapshot> s) {
        return s.map(h -> switch (h.circuit()) {
            case CLOSED -> 0.0;
            case HALF_OPEN -> 1.0;
            case OPEN -> 2.0;
        }).orElse(0.0);
    }

    private static double measured(Optional<DeploymentHealthSnapshot> s, ToDoubleFunction<DeploymentHealthSnapshot> figure) {
        return s.filter(h -> h.requests() > 0).map(figure::applyAsDouble).orElse(Double.NaN);
    }

    private void gauge(String name, String description, Tags tags, HealthView view, ToDoubleFunction<HealthView> value) {
        // A strong reference: the gauge must not turn NaN because the view was collected while the router still runs;
        // close() removes it, so nothing outlives the router.
        meters.add(Gauge.builder(name, view, value).description(description).tags(tags).strongReference(true).register(registry));
    }

    /** Removes this router's gauges from the registry. */
    @Override
    public void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }
}
