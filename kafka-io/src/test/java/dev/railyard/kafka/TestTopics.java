package dev.railyard.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

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
            endOffsets(admin, topic, partitions); // the admin client retries until each leader answers
        }
        return topic;
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
