package dev.railyard.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.schema.DispatchRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The order in which {@link ConcurrentLoop} starts records fetched from a real broker: by tenant and priority
 * class, not by fetch order. Every record is in Kafka before the loop starts, and the assertions are about
 * the order of starts, never about how long anything took.
 */
@ExtendWith(SharedInfrastructure.class)
class ConcurrentLoopFairnessIT {
    /** Handlers finish this long after they start: the loop is always full and records queue behind it. */
    private static final long HANDLER_MILLIS = 20;
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static KafkaClients clients;
    private static KafkaProducer<byte[], byte[]> producer;
    private static ScheduledExecutorService timer;

    @BeforeAll
    static void setUp(SharedInfrastructure.Servers servers) {
        clients = new KafkaClients(servers.bootstrapServers());
        producer = clients.producer("fairness-it");
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    static void tearDown() {
        producer.close();
        timer.shutdownNow();
    }

    @Test
    void a_small_tenant_is_not_starved_by_a_backlog_of_another_tenant() throws Exception {
        String topic = topic(4);
        // Dispatch keys spread each tenant over a few partitions; these two tenants' keys land on disjoint ones
        // (checked below). A tenant sharing a partition with a backlog waits behind the part of the backlog ahead
        // of it in that partition: the scheduler only orders what has been fetched (docs/fairness.md).
        Set<Integer> bigPartitions = send(topic, "batcher", "standard", 3_000);
        Set<Integer> smallPartitions = send(topic, "newco", "standard", 10);
        assertThat(bigPartitions).doesNotContainAnyElementsOf(smallPartitions);

        // The first 20 records started finish only once newco's records are fetched, so what follows depends on
        // the scheduler, not on how fast the consumer fetched. One record per poll makes that observable: each
        // of batcher's partitions is paused at exactly 201 waiting records (the default bound is 200).
        List<String> starts = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> fetched = new CompletableFuture<>();
        try (ConcurrentLoop loop = loop(topic, 20, 1, ConcurrentLoop.DEFAULT_MAX_WAITING_PER_PARTITION, fetched,
                r -> starts.add(tenant(r)))) {
            await(() -> loop.waiting() + count(starts, "newco") == 201 * bigPartitions.size() + 10);
            fetched.complete(null);
            await(() -> count(starts, "newco") == 10);
        }

        int lastSmall = snapshot(starts).lastIndexOf("newco");
        long bigBefore = snapshot(starts).subList(0, lastSmall).stream().filter("batcher"::equals).count();
        System.out.printf("fairness: newco's last record started %d-th, after %d of batcher's 3000%n", lastSmall + 1, bigBefore);
        // At most the 20 started before newco's records were fetched, then the two tenants take turns.
        assertThat(bigBefore).as("batcher records started before newco's last").isLessThanOrEqualTo(30);
    }

    @Test
    void interactive_records_start_before_most_of_a_bulk_backlog_of_many_tenants() throws Exception {
        String topic = topic(4);
        // Partitions chosen here rather than by key: this is about the scheduler's classes, not about placement.
        // Ten bulk tenants share one class, so tenant round-robin alone would give the interactive tenant a
        // tenth of the slots; its class's weight gives it six of every seven.
        for (int t = 0; t < 10; t++) {
            send(topic, t % 3, "bulk-" + t, "bulk", 100);
        }
        send(topic, 3, "urgent", "interactive", 20);

        // The first records started finish only once every record is fetched and waiting (nothing is paused:
        // 1,000 may wait per partition), so what follows depends on the scheduler alone, not on fetch timing.
        List<String> starts = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> allFetched = new CompletableFuture<>();
        try (ConcurrentLoop loop = loop(topic, 10, 10, 1_000, allFetched, r -> starts.add(priority(r)))) {
            await(() -> loop.waiting() + starts.size() == 1_020);
            allFetched.complete(null);
            await(() -> count(starts, "interactive") == 20);
        }

        int lastInteractive = snapshot(starts).lastIndexOf("interactive");
        long bulkBefore = snapshot(starts).subList(0, lastInteractive).stream().filter("bulk"::equals).count();
        System.out.printf("priority: last interactive record started %d-th, after %d of 1000 bulk%n", lastInteractive + 1, bulkBefore);
        // At most the 10 started before everything was fetched, then one bulk per round of up to six interactive
        // (at most 5 rounds for 20). Equal class weights would start about 30 bulk records first; round-robin
        // over the eleven tenants about 200.
        assertThat(bulkBefore).as("bulk records started before the last interactive one").isLessThanOrEqualTo(15);
    }

    private static String topic(int partitions) throws Exception {
        return TestTopics.create(clients, "fairness-it", partitions);
    }

    /** Sends {@code n} dispatch records keyed and headed as the router does; returns the partitions they landed on. */
    private static Set<Integer> send(String topic, String tenant, String priority, int n) throws Exception {
        return send(topic, null, tenant, priority, n);
    }

    private static Set<Integer> send(String topic, Integer partition, String tenant, String priority, int n) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String jobId = tenant + "-job-" + i;
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, partition, DispatchRecords.key(tenant, priority),
                    jobId.getBytes(StandardCharsets.UTF_8));
            DispatchRecords.headers(tenant, priority).forEach(r.headers()::add);
            sent.add(producer.send(r));
        }
        Set<Integer> partitions = new TreeSet<>();
        for (Future<RecordMetadata> f : sent) {
            partitions.add(f.get().partition());
        }
        return partitions;
    }

    private interface Started {
        void accept(ConsumerRecord<byte[], byte[]> record);
    }

    /**
     * A loop whose handler records each start and finishes {@link #HANDLER_MILLIS} after it started, but not before
     * {@code gate} opened.
     */
    private ConcurrentLoop loop(String topic, int maxInFlight, int maxPollRecords, int maxWaitingPerPartition,
                                CompletableFuture<Void> gate, Started started) {
        RecordHandler handler = record -> {
            started.accept(record);
            CompletableFuture<Void> done = new CompletableFuture<>();
            gate.thenRun(() -> timer.schedule(() -> done.complete(null), HANDLER_MILLIS, TimeUnit.MILLISECONDS));
            return done;
        };
        return new ConcurrentLoop("fairness-it", clients.consumer("fairness-it-" + UUID.randomUUID(), maxPollRecords),
                List.of(topic), handler, new DeadLetters(producer), maxInFlight, maxWaitingPerPartition).start();
    }

    static String tenant(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.headers().lastHeader(dev.railyard.schema.Headers.TENANT).value(), StandardCharsets.UTF_8);
    }

    static String priority(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.headers().lastHeader(dev.railyard.schema.Headers.PRIORITY).value(), StandardCharsets.UTF_8);
    }

    private static List<String> snapshot(List<String> list) {
        synchronized (list) {
            return new ArrayList<>(list);
        }
    }

    private static long count(List<String> list, String value) {
        return snapshot(list).stream().filter(value::equals).count();
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            Thread.sleep(20);
        }
    }
}
