package dev.railyard.router.policy;

import dev.railyard.config.Deployment;

/**
 * What the router knows about a deployment's health: live ({@code dev.railyard.router.health.HealthView},
 * latency and circuit state shared through Kafka) or {@link #expected()}, which trusts the configuration.
 */
public interface DeploymentHealth {

    /** False while the deployment must receive no new work (e.g. its circuit is open). */
    boolean available(String deploymentId);

    /** The deployment's median latency in milliseconds. */
    long latencyP50Millis(Deployment deployment);

    /** Why {@link #available} says no, for the routing decision, e.g. {@code circuit open since 2026-…}. */
    default String unavailableReason(String deploymentId) {
        return "unavailable";
    }

    /** The router chose this deployment for a job (a half-open circuit counts its probes). */
    default void dispatched(String deploymentId) {
    }

    /** Every deployment healthy, at its configured {@code expected_latency_ms}. */
    static DeploymentHealth expected() {
        return new DeploymentHealth() {
            @Override
            public boolean available(String deploymentId) {
                return true;
            }

            @Override
            public long latencyP50Millis(Deployment deployment) {
                return deployment.expectedLatencyMs();
            }
        };
    }
}
