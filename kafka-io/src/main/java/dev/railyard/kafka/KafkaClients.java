package dev.railyard.kafka;

import dev.railyard.kafka.trace.JobTracing;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Creates Railyard's Kafka clients with one set of settings: idempotent batched producers,
 * consumers with auto-commit off (we commit after the effect is durable).
 *
 * @param bootstrapServers e.g. {@code 127.0.0.1:9092}
 * @param clientId         a prefix naming this process in broker logs and metrics
 * @param overrides        extra client properties (security settings for a real cluster, tuning)
 * @param tracing          how the services that use these clients trace the jobs on their records (it travels with
 *                         the clients, so every service gets the process's tracing without a constructor of its own)
 */
public record KafkaClients(String bootstrapServers, String clientId, Map<String, String> overrides, JobTracing tracing) {

    public KafkaClients {
        tracing = tracing == null ? JobTracing.noop() : tracing;
    }

    /** Without tracing of their own: trace context that records arrive with is passed on, nothing recorded. */
    public KafkaClients(String bootstrapServers, String clientId, Map<String, String> overrides) {
        this(bootstrapServers, clientId, overrides, JobTracing.noop());
    }

    public KafkaClients(String bootstrapServers) {
        this(bootstrapServers, "railyard", Map.of());
    }

    public KafkaClients withTracing(JobTracing tracing) {
        return new KafkaClients(bootstrapServers, clientId, overrides, tracing);
    }

    public KafkaProducer<byte[], byte[]> producer(String name) {
        Properties p = base(name);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(128L * 1024 * 1024));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(8 * 1024 * 1024));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        overrides.forEach(p::put);
        return new KafkaProducer<>(p);
    }

    public KafkaConsumer<byte[], byte[]> consumer(String groupId, int maxPollRecords) {
        Properties p = base(groupId);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(maxPollRecords));
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        // Small per-partition fetches: the consumer drains its buffered fetches in order, so a large one (lz4
        // packs tens of thousands of jobs into a few MB) would put a big batch's whole partition ahead of
        // every other tenant's records (docs/fairness.md). 256 KB still holds a thousand or more jobs.
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(256 * 1024));
        // The classic group protocol: with the newer "consumer" protocol a provider worker holding 10,000 calls
        // spent ~47 % more CPU per job (its poll loop spins; bench/run inflight, 1.15 vs 0.78 ms per job).
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        overrides.forEach(p::put);
        return new KafkaConsumer<>(p);
    }

    /**
     * A consumer in no group, for a reader that assigns partitions itself and keeps no committed position (a
     * compacted state topic read from the start, or results followed from the end).
     *
     * @param name        appended to the client id
     * @param fetchWaitMs how long the broker may hold a fetch for data
     */
    public KafkaConsumer<byte[], byte[]> reader(String name, int fetchWaitMs) {
        Properties p = base(name);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Also reached when retention deleted records ahead of the reader: read what is left rather than skip.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, String.valueOf(fetchWaitMs));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        overrides.forEach(p::put);
        return new KafkaConsumer<>(p);
    }

    public Admin admin() {
        Properties p = base("admin");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(Duration.ofSeconds(30).toMillis()));
        overrides.forEach(p::put);
        return Admin.create(p);
    }

    private Properties base(String name) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("client.id", clientId + "-" + name);
        return p;
    }
}
