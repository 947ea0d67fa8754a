package dev.railyard.provider;

import dev.railyard.kafka.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads what a topic receives from now on (tests share the broker, so older records are skipped). */
final class TopicTail implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();

    TopicTail(KafkaClients clients, String topic) {
        this.consumer = clients.consumer("tail-" + UUID.randomUUID(), 1000);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
        ends.forEach(consumer::seek);
    }

    /** Polls until {@code matching} records satisfy the filter, or the timeout; returns the matching ones. */
    List<ConsumerRecord<byte[], byte[]>> await(Predicate<ConsumerRecord<byte[], byte[]>> filter, int matching, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && count(filter) < matching) {
            consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
        }
        return seen.stream().filter(filter).toList();
    }

    /** Keeps polling a little longer, to catch records that should not be there (duplicates). */
    List<ConsumerRecord<byte[], byte[]>> settle(Predicate<ConsumerRecord<byte[], byte[]>> filter, Duration quiet) {
        long deadline = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
        }
        return seen.stream().filter(filter).toList();
    }

    private long count(Predicate<ConsumerRecord<byte[], byte[]>> filter) {
        return seen.stream().filter(filter).count();
    }

    @Override
    public void close() {
        consumer.close(Duration.ZERO);
    }
}
