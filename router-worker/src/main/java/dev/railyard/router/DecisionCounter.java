package dev.railyard.router;

import dev.railyard.router.policy.Route;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code railyard.router.decisions{deployment, outcome}}: what the router made of each valid job —
 * {@code routed} (to that deployment), {@code rejected} (no candidate survived the filters) or
 * {@code expired} (its deadline passed first). The last two have no deployment and are tagged
 * {@code deployment=none}. Deployment ids come from the configuration, so the tag values are bounded.
 */
final class DecisionCounter {
    static final String NAME = "railyard.router.decisions";
    static final String NO_DEPLOYMENT = "none";

    private final MeterRegistry registry;
    // Looked up per job: caching the counters keeps the hot path to one map read.
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    DecisionCounter(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts nothing anywhere (a registry without children records nothing). */
    static DecisionCounter none() {
        return new DecisionCounter(new CompositeMeterRegistry());
    }

    void decided(Route route) {
        switch (route) {
            case Route.Routed routed -> count(routed.decision().deploymentId(), "routed");
            case Route.Unroutable unroutable -> count(NO_DEPLOYMENT, "rejected");
        }
    }

    void expired() {
        count(NO_DEPLOYMENT, "expired");
    }

    private void count(String deployment, String outcome) {
        String d = deployment == null ? NO_DEPLOYMENT : deployment;
        counters.computeIfAbsent(outcome + '|' + d, k -> Counter.builder(NAME)
                .description("routing decisions per deployment and outcome (routed, rejected, expired)")
                .tag("deployment", d).tag("outcome", outcome).register(registry)).increment();
    }
}
