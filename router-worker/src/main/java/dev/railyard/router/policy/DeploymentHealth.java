package dev.railyard.router.policy;

import dev.railyard.config.Deployment;

/**
 * What the router knows about a deployment's health. The live implementation (latency and circuit
 * state shared through Kafka) plugs in here; until then {@link #expected()} trusts the configuration.
 */
public interface DeploymentHealth {

    /** False while the deployment must receive no new work (e.g. its circuit is open). */
    boolean available(String deploymentId);

    /** The deployment's median latency in milliseconds. */
    long latencyP50Millis(Deployment deployment);

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
