package dev.railyard.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.schema.DispatchRecords;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Records waiting in the fair queue count as unfinished: a crash, a shutdown or a rebalance never commits past
 * one, and whoever owns the partition next handles it.
 */
@ExtendWith(SharedInfrastructure.class)
class ConcurrentLoopRedeliveryIT {
    private static final int RECORDS = 2_000;
    private static final int MAX_IN_FLIGHT = 10;

    private static KafkaClients clients;
    private static KafkaProducer<byte[], byte[]> producer;
    private static ScheduledExecutorService timer;

    /** One consumer group's view of what it handled: "partition@offset" → how many times. */
    private final Map<String, Integer> handled = new ConcurrentHashMap<>();

    @BeforeAll
    static void setUp(SharedInfrastructure.Servers servers) {
        clients = new KafkaClients(servers.bootstrapServers());
        producer = clients.producer("redelivery-it");
        timer = Executors.newScheduledThreadPool(2);
    }

    @AfterAll
    static void tearDown() {
        producer.close();
        timer.shutdownNow();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"halt", "close"})
    void records_still_queued_when_the_loop_stops_are_never_committed_and_are_handled_by_the_next_loop(String stop)
            throws Exception {
        String topic = topicWithRecords();
        String group = "redelivery-it-" + UUID.randomUUID();
        Set<String> started = ConcurrentHashMap.newKeySet();

        ConcurrentLoop first = loop(topic, group, started);
        ConcurrentLoopFairnessIT.await(() -> handled.size() >= 50 && first.waiting() > 0);
        int waitingAtStop = first.waiting();
        if (stop.equals("halt")) {
            first.halt();
        } else {
            first.close();
            assertThat(first.inFlight()).as("close lets running records finish").isZero();
            assertThat(handled.keySet()).as("every record started before close finished").containsAll(started);
        }
        Set<String> handledByFirst = Set.copyOf(handled.keySet());
        Map<TopicPartition, OffsetAndMetadata> committed = committed(group);

        assertThat(waitingAtStop).as("records were queued when the loop stopped").isPositive();
        assertThat(started.size()).as("queued records were not started").isLessThan(RECORDS);
        List<String> committedUnhandled = new ArrayList<>();
        committed.forEach((tp, offset) -> {
            for (long o = 0; o < offset.offset(); o++) {
                if (!handledByFirst.contains(tp.partition() + "@" + o)) {
                    committedUnhandled.add(tp.partition() + "@" + o);
                }
            }
        });
        assertThat(committedUnhandled).as("offsets committed but never handled").isEmpty();

        try (ConcurrentLoop second = loop(topic, group, ConcurrentHashMap.newKeySet())) {
            ConcurrentLoopFairnessIT.await(() -> handled.size() == RECORDS);
        }
        assertThat(offsets(committed(group))).isEqualTo(TestTopics.endOffsets(clients, topic, 4));
    }

    @Test
    void a_rebalance_while_records_are_queued_loses_none_of_them() throws Exception {
        String topic = topicWithRecords();
        String group = "redelivery-it-" + UUID.randomUUID();
        Set<String> startedBySecond = ConcurrentHashMap.newKeySet();

        try (ConcurrentLoop first = loop(topic, group, ConcurrentHashMap.newKeySet())) {
            ConcurrentLoopFairnessIT.await(() -> handled.size() >= 50 && first.waiting() > 0);
            try (ConcurrentLoop second = loop(topic, group, startedBySecond)) {
                ConcurrentLoopFairnessIT.await(() -> handled.size() == RECORDS);
            }
        }

        assertThat(startedBySecond).as("the second loop took over partitions").isNotEmpty();
        assertThat(offsets(committed(group))).isEqualTo(TestTopics.endOffsets(clients, topic, 4));
    }

    /** A topic of 4 partitions holding {@link #RECORDS} dispatch records of a few tenants and classes. */
    private static String topicWithRecords() throws Exception {
        String topic = TestTopics.create(clients, "redelivery-it", 4);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            String tenant = "tenant-" + i % 3;
            String jobId = "job-" + i;
            String priority = DispatchRecords.PRIORITIES.get(i % 3);
            // Every partition gets records, so whichever the second loop is given, it has work to take over.
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, i % 4, DispatchRecords.key(tenant, priority),
                    jobId.getBytes(StandardCharsets.UTF_8));
            DispatchRecords.headers(tenant, priority).forEach(r.headers()::add);
            sent.add(producer.send(r));
        }
        for (Future<RecordMetadata> f : sent) {
            f.get();
        }
        return topic;
    }

    private ConcurrentLoop loop(String topic, String group, Set<String> started) {
        RecordHandler handler = record -> {
            String id = record.partition() + "@" + record.offset();
            started.add(id);
            CompletableFuture<Void> done = new CompletableFuture<>();
            timer.schedule(() -> {
                handled.merge(id, 1, Integer::sum); // the effect, before the stage completes
                done.complete(null);
            }, 20, TimeUnit.MILLISECONDS);
            return done;
        };
        return new ConcurrentLoop("redelivery-it", clients.consumer(group, MAX_IN_FLIGHT), List.of(topic), handler,
                new DeadLetters(producer), MAX_IN_FLIGHT).start();
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
        try (Admin admin = clients.admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get());
            offsets.values().removeIf(o -> o == null);
            return offsets;
        }
    }

    private static Map<TopicPartition, Long> offsets(Map<TopicPartition, OffsetAndMetadata> committed) {
        Map<TopicPartition, Long> out = new HashMap<>();
        committed.forEach((tp, o) -> out.put(tp, o.offset()));
        return out;
    }
}
