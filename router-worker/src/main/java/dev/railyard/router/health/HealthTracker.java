package dev.railyard.router.health;

import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.DeploymentHealthSnapshot;
import dev.railyard.schema.event.DeploymentHealthSnapshot.Circuit;
import dev.railyard.schema.event.JobResult;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The health of every deployment this instance has seen attempts of: a window and a circuit breaker
 * each. Pure apart from its clock; thread-safe (the consumer thread observes, a timer publishes).
 */
final class HealthTracker {
    private static final class Tracked {
        final HealthWindow window;
        final CircuitBreaker breaker;

        Tracked(HealthSettings settings, Clock clock) {
            this.window = new HealthWindow(settings.window(), settings.maxSamples());
            this.breaker = new CircuitBreaker(settings.circuit(), clock);
        }
    }

    private final HealthSettings settings;
    private final Clock clock;
    private final Map<String, Tracked> deployments = new LinkedHashMap<>();

    HealthTracker(HealthSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Counts every attempt of a result (each attempt id once) against its deployment.
     *
     * @return snapshots of the deployments whose circuit changed, to publish at once
     */
    synchronized List<DeploymentHealthSnapshot> observe(JobResult result) {
        Instant now = clock.instant();
        Set<String> changed = new LinkedHashSet<>();
        for (Attempt a : result.attempts() == null ? List.<Attempt>of() : result.attempts()) {
            AttemptVerdict verdict = AttemptVerdict.of(a);
            if (a.deploymentId() == null || a.attemptId() == null || verdict == AttemptVerdict.NEUTRAL) {
                continue;
            }
            Instant at = a.startedAt() != null ? a.startedAt().plusMillis(a.latencyMs())
                    : result.occurredAt() != null ? result.occurredAt() : now;
            // Time to first token is reported for the job, so it belongs to the attempt that answered.
            Long ttft = verdict == AttemptVerdict.SUCCESS && a.deploymentId().equals(result.deploymentId())
                    ? result.timeToFirstTokenMs() : null;
            Tracked t = deployments.computeIfAbsent(a.deploymentId(), id -> new Tracked(settings, clock));
            boolean failed = verdict == AttemptVerdict.FAILURE;
            if (!t.window.add(a.attemptId(), at, failed, a.latencyMs(), ttft, now)) {
                continue;
            }
            Circuit before = t.breaker.state();
            Circuit after = t.breaker.record(failed, t.window.rateRequests(), t.window.rateFailures());
            if (after == Circuit.CLOSED && before != Circuit.CLOSED) {
                t.window.restartRate(); // the failures that opened it must not reopen it at once
            }
            if (after != before) {
                changed.add(a.deploymentId());
            }
        }
        return changed.stream().map(id -> snapshot(id, deployments.get(id), now)).toList();
    }

    /**
     * Snapshots of every tracked deployment, for the periodic publication. A deployment whose window is
     * empty and whose circuit is closed is published this once more and then forgotten.
     */
    synchronized List<DeploymentHealthSnapshot> tick() {
        Instant now = clock.instant();
        List<DeploymentHealthSnapshot> out = new ArrayList<>(deployments.size());
        Iterator<Map.Entry<String, Tracked>> it = deployments.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Tracked> e = it.next();
            e.getValue().window.evict(now);
            DeploymentHealthSnapshot s = snapshot(e.getKey(), e.getValue(), now);
            out.add(s);
            if (e.getValue().window.isEmpty() && s.circuit() == Circuit.CLOSED) {
                it.remove();
            }
        }
        return out;
    }

    synchronized Optional<DeploymentHealthSnapshot> current(String deploymentId) {
        Tracked t = deployments.get(deploymentId);
        if (t == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        t.window.evict(now);
        return Optional.of(snapshot(deploymentId, t, now));
    }

    private DeploymentHealthSnapshot snapshot(String deploymentId, Tracked t, Instant now) {
        HealthWindow w = t.window;
        int requests = w.requests();
        int failures = w.failures();
        return new DeploymentHealthSnapshot(DeploymentHealthSnapshot.CURRENT_SCHEMA_VERSION, deploymentId,
                settings.instanceId(), w.start(now), now, requests, failures,
                requests == 0 ? 0 : (double) failures / requests, w.latencyPercentile(0.5), w.latencyPercentile(0.95),
                w.ttftP50(), t.breaker.state(), t.breaker.openedAt(), t.breaker.consecutiveFailures());
    }
}
