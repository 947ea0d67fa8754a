package dev.railyard.launcher;

import dev.railyard.kafka.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads a whole topic from the beginning (no group commits) for assertions. */
final class TopicReader {
    private TopicReader() {
    }

    /** Reads until {@code expected} matching records were seen, or until the topic's end when expected < 0. */
    static List<ConsumerRecord<byte[], byte[]>> read(KafkaClients clients, String topic,
                                                     Predicate<ConsumerRecord<byte[], byte[]>> filter, int expected, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = clients.consumer("reader-" + UUID.randomUUID(), 5000)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (filter.test(r)) {
                        out.add(r);
                    }
                }
                if (expected >= 0 && out.size() >= expected) {
                    break;
                }
                if (expected < 0 && partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
                    break;
                }
            }
        }
        return out;
    }
}
