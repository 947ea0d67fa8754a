package dev.railyard.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Fresh topics for one test each. */
final class TestTopics {
    private TestTopics() {
    }

    /**
     * Creates a topic and returns once every partition's leader serves requests: an idempotent producer whose
     * first batch meets a partition still becoming leader can be stuck on out-of-order sequence errors.
     */
    static String create(KafkaClients clients, String prefix, int partitions) throws Exception {
        String topic = prefix + "-" + UUID.randomUUID();
        try (Admin admin = clients.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
            // The admin client retries until each leader answers, but not a topic its metadata does not show yet.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    endOffsets(admin, topic, partitions);
                    return topic;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    /** The end offset of every partition holding records. */
    static Map<TopicPartition, Long> endOffsets(KafkaClients clients, String topic, int partitions) throws Exception {
        try (Admin admin = clients.admin()) {
            return endOffsets(admin, topic, partitions);
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, info) -> {
            if (info.offset() > 0) {
                out.put(tp, info.offset());
            }
        });
        return out;
    }
}
