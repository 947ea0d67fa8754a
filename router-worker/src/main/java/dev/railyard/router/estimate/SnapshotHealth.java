package dev.railyard.router.estimate;

import dev.railyard.config.Deployment;
import dev.railyard.router.health.HealthSettings;
import dev.railyard.router.policy.DeploymentHealth;
import dev.railyard.schema.event.DeploymentHealthSnapshot;
import dev.railyard.schema.event.DeploymentHealthSnapshot.Circuit;
import java.util.Map;

/**
 * Deployment health as of one merged snapshot, read-only: an estimate must not use up a half-open circuit's
 * probes, so {@link #dispatched} counts nothing and a half-open deployment counts as available. An open
 * circuit makes a deployment unavailable, as it does for the router.
 */
final class SnapshotHealth implements DeploymentHealth {
    private final Map<String, DeploymentHealthSnapshot> snapshot;
    private final int minLatencySamples;

    SnapshotHealth(Map<String, DeploymentHealthSnapshot> snapshot, int minLatencySamples) {
        this.snapshot = Map.copyOf(snapshot);
        this.minLatencySamples = minLatencySamples;
    }

    static SnapshotHealth of(Map<String, DeploymentHealthSnapshot> snapshot) {
        return new SnapshotHealth(snapshot, HealthSettings.defaults().minLatencySamples());
    }

    @Override
    public boolean available(String deploymentId) {
        DeploymentHealthSnapshot s = snapshot.get(deploymentId);
        return s == null || s.circuit() != Circuit.OPEN;
    }

    @Override
    public String unavailableReason(String deploymentId) {
        DeploymentHealthSnapshot s = snapshot.get(deploymentId);
        return s == null || s.circuit() != Circuit.OPEN ? "available" : "circuit open since " + s.openedAt();
    }

    @Override
    public long latencyP50Millis(Deployment deployment) {
        DeploymentHealthSnapshot s = snapshot.get(deployment.id());
        return s != null && s.requests() >= minLatencySamples ? s.latencyP50Ms() : deployment.expectedLatencyMs();
    }
}
