package dev.railyard.router.health;

import dev.railyard.config.Deployment;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.router.policy.DeploymentHealth;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.MalformedEventException;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.DeploymentHealthSnapshot;
import dev.railyard.schema.event.DeploymentHealthSnapshot.Circuit;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The live health of every deployment, as all aggregator instances publish it: reads the compacted
 * {@code railyard.deployments.health} from its beginning on its own thread ({@link SnapshotReader}),
 * keeps the latest view per deployment and instance, and merges them ({@link SnapshotMerge}). An open
 * circuit makes a deployment unavailable; a half-open one takes at most {@code probes} jobs from this
 * router per probe window. Thread-safe.
 */
public final class HealthView implements DeploymentHealth, AutoCloseable {
    private record Probes(Instant episode, Instant windowStart, int sent) {
    }

    private final HealthSettings settings;
    private final Clock clock;
    private final EventCodec codec = new EventCodec();
    private final Map<String, Map<String, DeploymentHealthSnapshot>> views = new ConcurrentHashMap<>();
    private final Map<String, Probes> probes = new HashMap<>();
    private final SnapshotReader reader;

    /** Reads the health topic with a consumer of its own (no group) once started. */
    public HealthView(KafkaClients clients, HealthSettings settings, Clock clock) {
        this(settings, clock, SnapshotReader.consumerOf(clients));
    }

    /** For tests: snapshots arrive through {@link #apply} only, or through the given consumer once started. */
    HealthView(HealthSettings settings, Clock clock, Consumer<byte[], byte[]> consumer) {
        this.settings = settings;
        this.clock = clock;
        this.reader = new SnapshotReader(consumer, Topics.DEPLOYMENT_HEALTH, this::apply);
    }

    public HealthView start() {
        reader.start();
        return this;
    }

    /** Takes one record of the health topic: a view, or a tombstone withdrawing one. */
    void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            if (record.key() != null) {
                String key = new String(record.key(), StandardCharsets.UTF_8);
                int bar = key.lastIndexOf('|');
                if (bar > 0) {
                    views.computeIfPresent(key.substring(0, bar), (id, byInstance) -> {
                        byInstance.remove(key.substring(bar + 1));
                        return byInstance.isEmpty() ? null : byInstance;
                    });
                }
            }
            return;
        }
        try {
            put(codec.decode(record.value(), DeploymentHealthSnapshot.class));
        } catch (MalformedEventException e) {
            // Derived state, republished every few seconds: a record we cannot read is skipped, not fatal.
        }
    }

    void put(DeploymentHealthSnapshot s) {
        if (s.deploymentId() == null || s.instanceId() == null) {
            return;
        }
        views.computeIfAbsent(s.deploymentId(), id -> new ConcurrentHashMap<>()).merge(s.instanceId(), s,
                (old, now) -> now.updatedAt() != null && old.updatedAt() != null && now.updatedAt().isBefore(old.updatedAt()) ? old : now);
    }

    /** The merged, fresh view of every deployment some instance reported on, by deployment id. */
    public Map<String, DeploymentHealthSnapshot> snapshot() {
        Map<String, DeploymentHealthSnapshot> out = new TreeMap<>();
        views.keySet().forEach(id -> of(id).ifPresent(s -> out.put(id, s)));
        return out;
    }

    /** The merged, fresh view of one deployment, if any instance reported on it lately. */
    public Optional<DeploymentHealthSnapshot> of(String deploymentId) {
        Map<String, DeploymentHealthSnapshot> byInstance = views.get(deploymentId);
        return byInstance == null ? Optional.empty()
                : SnapshotMerge.merge(deploymentId, byInstance.values(), clock.instant().minus(settings.staleAfter()));
    }

    @Override
    public boolean available(String deploymentId) {
        Optional<DeploymentHealthSnapshot> s = of(deploymentId);
        if (s.isEmpty()) {
            return true;
        }
        return switch (s.get().circuit()) {
            case CLOSED -> true;
            case OPEN -> false;
            case HALF_OPEN -> probesSent(deploymentId, s.get()) < settings.circuit().probes();
        };
    }

    @Override
    public String unavailableReason(String deploymentId) {
        Optional<DeploymentHealthSnapshot> s = of(deploymentId);
        if (s.isEmpty() || s.get().circuit() == Circuit.CLOSED) {
            return "available";
        }
        DeploymentHealthSnapshot h = s.get();
        String stats = h.failures() + " of " + h.requests() + " attempts failed in the window, "
                + h.consecutiveFailures() + " in a row";
        return h.circuit() == Circuit.OPEN
                ? "circuit open since " + h.openedAt() + " (" + stats + ")"
                : "circuit half open (opened " + h.openedAt() + "): " + settings.circuit().probes()
                        + " probe jobs already sent within " + settings.probeWindow();
    }

    @Override
    public long latencyP50Millis(Deployment deployment) {
        Optional<DeploymentHealthSnapshot> s = of(deployment.id());
        return s.isPresent() && s.get().requests() >= settings.minLatencySamples() ? s.get().latencyP50Ms()
                : deployment.expectedLatencyMs();
    }

    /** Counts a job sent to a half-open deployment against its probe budget. */
    @Override
    public void dispatched(String deploymentId) {
        Optional<DeploymentHealthSnapshot> s = of(deploymentId);
        if (s.isEmpty() || s.get().circuit() != Circuit.HALF_OPEN) {
            return;
        }
        synchronized (probes) {
            Probes p = current(deploymentId, s.get());
            probes.put(deploymentId, new Probes(p.episode(), p.windowStart(), p.sent() + 1));
        }
    }

    private int probesSent(String deploymentId, DeploymentHealthSnapshot s) {
        synchronized (probes) {
            return current(deploymentId, s).sent();
        }
    }

    /** This deployment's probe count in the current window of the current open episode (a new one starts empty). */
    private Probes current(String deploymentId, DeploymentHealthSnapshot s) {
        Instant now = clock.instant();
        Probes p = probes.get(deploymentId);
        if (p == null || !java.util.Objects.equals(p.episode(), s.openedAt())
                || !now.isBefore(p.windowStart().plus(settings.probeWindow()))) {
            p = new Probes(s.openedAt(), now, 0);
            probes.put(deploymentId, p);
        }
        return p;
    }

    @Override
    public void close() {
        reader.close();
    }
}
