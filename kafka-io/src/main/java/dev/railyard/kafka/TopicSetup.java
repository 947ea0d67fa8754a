package dev.railyard.kafka;

import dev.railyard.schema.Delays;
import dev.railyard.schema.Topics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates Railyard's topics when missing; safe to run from every service at start. */
public final class TopicSetup {
    /**
     * Dispatch topics have at least this many partitions: records are keyed by tenant and priority class,
     * and keys that share a partition share a queue (docs/fairness.md).
     */
    public static final int MIN_DISPATCH_PARTITIONS = 16;

    private final KafkaClients clients;
    private final int partitions;
    private final int dispatchPartitions;
    private final short replicationFactor;

    /** Every topic with {@code partitions} partitions (tests; a platform wants {@link #forPlatform}). */
    public TopicSetup(KafkaClients clients, int partitions, short replicationFactor) {
        this(clients, partitions, partitions, replicationFactor);
    }

    public TopicSetup(KafkaClients clients, int partitions, int dispatchPartitions, short replicationFactor) {
        this.clients = clients;
        this.partitions = partitions;
        this.dispatchPartitions = dispatchPartitions;
        this.replicationFactor = replicationFactor;
    }

    /** Result topics with {@code partitions}; submitted and dispatch topics with at least {@link #MIN_DISPATCH_PARTITIONS}. */
    public static TopicSetup forPlatform(KafkaClients clients, int partitions, short replicationFactor) {
        return new TopicSetup(clients, partitions, Math.max(partitions, MIN_DISPATCH_PARTITIONS), replicationFactor);
    }

    /**
     * The job topics plus one dispatch topic per provider, the delay tiers, and the compacted state topics (budget state,
     * deployment health) with one partition each.
     */
    public void ensure(Collection<String> providers) {
        List<NewTopic> topics = new ArrayList<>();
        // Submitted records are keyed by tenant and class like dispatch records, so they get as many partitions.
        topics.add(new NewTopic(Topics.JOBS_SUBMITTED, dispatchPartitions, replicationFactor));
        for (String name : List.of(Topics.JOBS_RESULTS, Topics.JOBS_DEAD_LETTER)) {
            topics.add(new NewTopic(name, partitions, replicationFactor));
        }
        for (String provider : providers) {
            topics.add(new NewTopic(Topics.dispatch(provider), dispatchPartitions, replicationFactor));
        }
        for (String delay : Delays.topics()) {
            topics.add(new NewTopic(delay, partitions, replicationFactor));
        }
        topics.add(new NewTopic(Topics.BUDGET_STATE, 1, replicationFactor)
                .configs(Map.of("cleanup.policy", "compact")));
        // One partition: every router reads all of it, and a snapshot per deployment and instance is small.
        topics.add(new NewTopic(Topics.DEPLOYMENT_HEALTH, 1, replicationFactor)
                .configs(Map.of("cleanup.policy", "compact")));
        try (Admin admin = clients.admin()) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topics: " + e.getCause().getMessage(), e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list topics: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
