package dev.railyard.router.health;

import dev.railyard.kafka.KafkaClients;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of a (compacted) topic from its beginning and forever after, without a
 * consumer group, on a dedicated thread: each reader sees the whole state and commits nothing.
 */
final class SnapshotReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SnapshotReader.class);

    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final Consumer<ConsumerRecord<byte[], byte[]>> sink;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean started;

    SnapshotReader(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, String topic,
                   Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        this.consumer = consumer;
        this.topic = topic;
        this.sink = sink;
        this.thread = Thread.ofPlatform().name("railyard-health-view").daemon().unstarted(this::run);
    }

    /** A consumer without a group id: {@code KafkaClients} consumers always join one. */
    static KafkaConsumer<byte[], byte[]> consumerOf(KafkaClients clients) {
        return clients.reader("health-view", 50);
    }

    void start() {
        started = true;
        thread.start();
    }

    private void run() {
        try {
            List<TopicPartition> partitions = List.of();
            while (running && partitions.isEmpty()) {
                try {
                    partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    partitions = List.of(); // broker not reachable yet: keep trying, the router routes without live health meanwhile
                }
                if (partitions.isEmpty()) {
                    Thread.sleep(500); // the topic is not created yet; a dedicated thread, not an event loop
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                consumer.poll(Duration.ofMillis(200)).forEach(sink);
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (running) {
                log.error("health view reader of {} stopped: {}", topic, e.toString(), e);
            }
        } finally {
            consumer.close(Duration.ZERO);
            stopped.countDown();
        }
    }

    @Override
    public void close() {
        running = false;
        if (!started) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        try {
            if (!stopped.await(10, TimeUnit.SECONDS)) {
                log.warn("health view reader of {} did not stop within 10 s", topic);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
