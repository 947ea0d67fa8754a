package dev.railyard.budget.state;

import dev.railyard.kafka.KafkaClients;
import dev.railyard.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads the budget state topic to its end (no group membership, nothing committed) to learn which budgets it holds. */
final class StateTopicKeys {
    private StateTopicKeys() {
    }

    /** The ids whose latest record is a state, not a tombstone. */
    static Set<String> live(KafkaClients clients, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = clients.consumer("railyard-budget-state-reader", 1000)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.BUDGET_STATE, timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<String, Boolean> live = new HashMap<>();
            Instant deadline = Instant.now().plus(timeout);
            while (!atEnd(consumer, end)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("the budget state topic was not read to its end within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null) {
                        live.put(new String(r.key(), StandardCharsets.UTF_8), r.value() != null);
                    }
                }
            }
            return live.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).collect(Collectors.toSet());
        }
    }

    private static boolean atEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
