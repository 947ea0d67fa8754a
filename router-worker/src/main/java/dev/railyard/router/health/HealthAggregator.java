package dev.railyard.router.health;

import dev.railyard.kafka.BatchLoop;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.Sends;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.MalformedEventException;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.DeploymentHealthSnapshot;
import dev.railyard.schema.event.JobResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes deployment health from {@code railyard.jobs.results} (consumer group {@code railyard-health})
 * and publishes this instance's view of each deployment to the compacted {@code railyard.deployments.health}:
 * at once when a circuit changes, and every {@code publishEvery}. Instances split the results' partitions,
 * so each publishes a partial view under its own key and readers merge them ({@link HealthView}).
 */
public final class HealthAggregator implements AutoCloseable {
    public static final String GROUP = "railyard-health";
    private static final Logger log = LoggerFactory.getLogger(HealthAggregator.class);

    private final HealthSettings settings;
    private final HealthTracker tracker;
    private final EventCodec codec = new EventCodec();
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final BatchLoop loop;
    private final ScheduledExecutorService timer;
    private final Set<String> publishedKeys = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean started = new AtomicBoolean();

    public HealthAggregator(KafkaClients clients, HealthSettings settings, Clock clock) {
        this.settings = settings;
        this.tracker = new HealthTracker(settings, clock);
        this.producer = clients.producer("health-" + settings.instanceId());
        this.consumer = clients.consumer(GROUP, 1000);
        this.loop = new BatchLoop("health", consumer, List.of(Topics.JOBS_RESULTS), this::handle);
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("railyard-health-publish").daemon().factory());
    }

    public void start() {
        if (started.compareAndSet(false, true)) {
            loop.start();
            long every = settings.publishEvery().toMillis();
            timer.scheduleAtFixedRate(this::publishAll, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private CompletableFuture<Void> handle(List<ConsumerRecord<byte[], byte[]>> records) {
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JobResult result;
            try {
                result = codec.decode(r.value(), JobResult.class);
            } catch (MalformedEventException e) {
                // The results' own consumers dead-letter it; a record we cannot read tells nothing about health.
                continue;
            }
            tracker.observe(result).forEach(s -> sends.add(publish(s)));
        }
        // Offsets are committed once the circuit changes are on the topic; periodic snapshots cover the rest.
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new));
    }

    private void publishAll() {
        try {
            tracker.tick().forEach(s -> publish(s).whenComplete((m, e) -> {
                if (e != null) {
                    log.warn("health snapshot of {} not published: {}", s.deploymentId(), e.toString());
                }
            }));
        } catch (RuntimeException e) {
            // A timer task that throws is never run again: keep publishing, the next tick may succeed.
            log.warn("health snapshots not published: {}", e.toString());
        }
    }

    private CompletableFuture<?> publish(DeploymentHealthSnapshot s) {
        publishedKeys.add(s.key());
        return Sends.send(producer, new ProducerRecord<>(Topics.DEPLOYMENT_HEALTH, s.key().getBytes(StandardCharsets.UTF_8),
                codec.encode(s)));
    }

    /** Stops consuming and publishing, and withdraws this instance's views (tombstones) so readers drop them at once. */
    @Override
    public void close() {
        timer.shutdownNow();
        stopLoop(false);
        List<CompletableFuture<?>> tombstones = new ArrayList<>();
        for (String key : publishedKeys) {
            tombstones.add(Sends.send(producer, new ProducerRecord<>(Topics.DEPLOYMENT_HEALTH, key.getBytes(StandardCharsets.UTF_8), null)));
        }
        try {
            CompletableFuture.allOf(tombstones.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Not fatal: readers ignore this instance's views once they are stale.
            log.warn("health tombstones not all acknowledged: {}", e.toString());
        }
        producer.close(Duration.ofSeconds(5));
    }

    /** A crash, for tests: no tombstones, nothing further committed. */
    public void halt() {
        timer.shutdownNow();
        stopLoop(true);
        producer.close(Duration.ZERO);
    }

    private void stopLoop(boolean crash) {
        if (started.compareAndSet(false, true)) {
            consumer.close(Duration.ZERO); // never started: the loop will not close its consumer
            return;
        }
        if (crash) {
            loop.halt();
        } else {
            loop.close();
        }
    }
}
