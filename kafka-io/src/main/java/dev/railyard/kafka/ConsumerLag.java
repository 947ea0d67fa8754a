package dev.railyard.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code railyard.consumer.lag{topic, group}}: records a consumer group has yet to commit, summed over a topic's
 * partitions (end offset minus committed offset; a partition the group has not committed on yet counts from its
 * earliest offset, where the consumers start). Measured every {@code interval} with the Admin client on a virtual
 * thread of its own, for every consumer group whose id starts with {@code groupPrefix}; a scrape reads the last
 * figures and never waits on the broker. It is the same figure from every process that binds it, so bind it in one
 * process per cluster (or read it from any one).
 */
public final class ConsumerLag implements MeterBinder, AutoCloseable {
    public static final String NAME = "railyard.consumer.lag";
    private static final Logger log = LoggerFactory.getLogger(ConsumerLag.class);

    private final KafkaClients clients;
    private final String groupPrefix;
    private final Duration interval;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("railyard-consumer-lag").factory());
    private MultiGauge gauge;
    private Admin admin;
    // Each (topic, group)'s gauge reads one holder from refresh to refresh; pairs that vanish lose their series.
    private Map<List<String>, AtomicLong> lags = Map.of();

    public ConsumerLag(KafkaClients clients, String groupPrefix, Duration interval) {
        this.clients = clients;
        this.groupPrefix = groupPrefix;
        this.interval = interval;
    }

    /** Railyard's groups ({@code railyard-…}), measured every 15 s. */
    public static ConsumerLag railyard(KafkaClients clients) {
        return new ConsumerLag(clients, "railyard-", Duration.ofSeconds(15));
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        if (gauge != null) {
            throw new IllegalStateException("consumer lag is already bound to a registry");
        }
        gauge = MultiGauge.builder(NAME).description("Records not yet committed by a consumer group, per topic")
                .register(registry);
        executor.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Measures once now (the scheduled refreshes call this too). */
    synchronized void refresh() {
        try {
            if (admin == null) {
                admin = clients.admin();
            }
            Map<List<String>, Long> measured = measure(admin);
            Map<List<String>, AtomicLong> next = new LinkedHashMap<>();
            measured.forEach((key, lag) -> {
                AtomicLong holder = lags.getOrDefault(key, new AtomicLong());
                holder.set(lag);
                next.put(key, holder);
            });
            lags = next;
            gauge.register(next.entrySet().stream()
                    .map(e -> MultiGauge.Row.of(Tags.of("topic", e.getKey().get(0), "group", e.getKey().get(1)),
                            e.getValue(), AtomicLong::get))
                    .toList(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing
        } catch (ExecutionException | RuntimeException e) {
            // The last figures stay exported; the next tick asks again.
            log.warn("could not measure consumer lag: {}", e.toString());
        }
    }

    /** Lag by (topic, group). */
    private Map<List<String>, Long> measure(Admin admin) throws InterruptedException, ExecutionException {
        Map<String, ListConsumerGroupOffsetsSpec> groups = new LinkedHashMap<>();
        for (GroupListing g : admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get()) {
            if (g.groupId().startsWith(groupPrefix)) {
                groups.put(g.groupId(), new ListConsumerGroupOffsetsSpec());
            }
        }
        if (groups.isEmpty()) {
            return Map.of();
        }
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = admin.listConsumerGroupOffsets(groups).all().get();
        Set<String> topics = new HashSet<>();
        committed.values().forEach(offsets -> offsets.keySet().forEach(tp -> topics.add(tp.topic())));
        Map<String, Integer> partitions = new HashMap<>();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> t : admin.describeTopics(topics).topicNameValues().entrySet()) {
            try {
                partitions.put(t.getKey(), t.getValue().get().partitions().size());
            } catch (ExecutionException deleted) {
                // A topic deleted since the group committed on it: nothing left to consume.
            }
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        partitions.forEach((topic, n) -> {
            for (int p = 0; p < n; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
            }
        });
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = admin.listOffsets(earliest).all().get();
        Map<List<String>, Long> lag = new LinkedHashMap<>();
        committed.forEach((group, offsets) -> {
            Set<String> groupTopics = new HashSet<>();
            offsets.keySet().forEach(tp -> groupTopics.add(tp.topic()));
            for (String topic : groupTopics) {
                Integer n = partitions.get(topic);
                if (n == null) {
                    continue;
                }
                long sum = 0;
                for (int p = 0; p < n; p++) {
                    TopicPartition tp = new TopicPartition(topic, p);
                    OffsetAndMetadata at = offsets.get(tp);
                    long from = at != null ? at.offset() : starts.get(tp).offset();
                    sum += Math.max(0, ends.get(tp).offset() - from);
                }
                lag.put(List.of(topic, group), sum);
            }
        });
        return lag;
    }

    @Override
    public synchronized void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
        }
        if (gauge != null) {
            gauge.register(List.of(), true);
        }
    }
}
