package dev.railyard.router.health;

import dev.railyard.schema.event.DeploymentHealthSnapshot;
import dev.railyard.schema.event.DeploymentHealthSnapshot.Circuit;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Merges the partial views of one deployment from several aggregator instances into one. */
final class SnapshotMerge {
    private SnapshotMerge() {
    }

    /**
     * Counts add up, p95 and the failure streak are the worst instance's, p50 and TTFT are averaged by
     * requests; the circuit is open if any instance says open, else half open if any does. Views updated
     * before {@code oldest} are ignored.
     *
     * @return the merged view, with the instance ids joined by commas; empty when no view is fresh
     */
    static Optional<DeploymentHealthSnapshot> merge(String deploymentId, Collection<DeploymentHealthSnapshot> views, Instant oldest) {
        List<DeploymentHealthSnapshot> fresh = views.stream()
                .filter(s -> s.updatedAt() != null && !s.updatedAt().isBefore(oldest))
                .sorted(Comparator.comparing(DeploymentHealthSnapshot::instanceId))
                .toList();
        if (fresh.isEmpty()) {
            return Optional.empty();
        }
        long requests = fresh.stream().mapToLong(DeploymentHealthSnapshot::requests).sum();
        long failures = fresh.stream().mapToLong(DeploymentHealthSnapshot::failures).sum();
        Circuit circuit = fresh.stream().anyMatch(s -> s.circuit() == Circuit.OPEN) ? Circuit.OPEN
                : fresh.stream().anyMatch(s -> s.circuit() == Circuit.HALF_OPEN) ? Circuit.HALF_OPEN : Circuit.CLOSED;
        Instant openedAt = fresh.stream().filter(s -> s.circuit() == circuit).map(DeploymentHealthSnapshot::openedAt)
                .filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(null);
        List<DeploymentHealthSnapshot> withTtft = fresh.stream().filter(s -> s.ttftP50Ms() != null).toList();
        return Optional.of(new DeploymentHealthSnapshot(DeploymentHealthSnapshot.CURRENT_SCHEMA_VERSION, deploymentId,
                String.join(",", fresh.stream().map(DeploymentHealthSnapshot::instanceId).toList()),
                fresh.stream().map(DeploymentHealthSnapshot::windowStart).filter(Objects::nonNull).min(Comparator.naturalOrder()).orElse(null),
                fresh.stream().map(DeploymentHealthSnapshot::updatedAt).max(Comparator.naturalOrder()).orElseThrow(),
                requests, failures, requests == 0 ? 0 : (double) failures / requests,
                weightedMean(fresh, DeploymentHealthSnapshot::latencyP50Ms),
                fresh.stream().mapToLong(DeploymentHealthSnapshot::latencyP95Ms).max().orElse(0),
                withTtft.isEmpty() ? null : weightedMean(withTtft, DeploymentHealthSnapshot::ttftP50Ms),
                circuit, openedAt,
                fresh.stream().mapToInt(DeploymentHealthSnapshot::consecutiveFailures).max().orElse(0)));
    }

    /** The mean of a per-instance figure weighted by the instance's requests (plain mean when none has any). */
    private static long weightedMean(List<DeploymentHealthSnapshot> views, java.util.function.ToLongFunction<DeploymentHealthSnapshot> figure) {
        long weights = views.stream().mapToLong(DeploymentHealthSnapshot::requests).sum();
        if (weights == 0) {
            return Math.round(views.stream().mapToLong(figure).average().orElse(0));
        }
        double sum = views.stream().mapToDouble(s -> (double) figure.applyAsLong(s) * s.requests()).sum();
        return Math.round(sum / weights);
    }
}
