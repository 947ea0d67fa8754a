package dev.railyard.budget;

import dev.railyard.kafka.KafkaClients;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.BudgetState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Follows the budget state topic from its start: every record per budget id, in order (a tombstone is a null state). */
final class StateProbe implements AutoCloseable {
    private final EventCodec codec = new EventCodec();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, List<BudgetState>> records = new HashMap<>();

    StateProbe(KafkaClients clients) {
        consumer = clients.consumer("state-probe-" + UUID.randomUUID(), 1000);
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.BUDGET_STATE).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    private void poll() {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            records.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(r.value() == null ? null : codec.decode(r.value(), BudgetState.class));
        }
    }

    /** Every record for {@code id} read so far. */
    List<BudgetState> all(String id) {
        poll();
        return new ArrayList<>(records.getOrDefault(id, List.of()));
    }

    /** Waits until the latest record for {@code id} satisfies {@code test} (null: a tombstone); returns it. */
    BudgetState awaitLatest(String id, Predicate<BudgetState> test) {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            poll();
            List<BudgetState> seen = records.get(id);
            if (seen != null && !seen.isEmpty() && test.test(seen.get(seen.size() - 1))) {
                return seen.get(seen.size() - 1);
            }
        }
        List<BudgetState> seen = records.getOrDefault(id, List.of());
        throw new AssertionError("no matching latest state for '" + id + "' within 60 s; latest: "
                + (seen.isEmpty() ? "none" : seen.get(seen.size() - 1)));
    }

    @Override
    public void close() {
        consumer.close();
    }
}
