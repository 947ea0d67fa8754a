package dev.railyard.kafka;

import dev.railyard.schema.Headers;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.ErrorType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;

/**
 * Publishes dead-letter records the way Kafka Connect does: the original key, value and headers,
 * plus headers saying which stage gave up, why, and where the record came from.
 */
public final class DeadLetters {
    private final Producer<byte[], byte[]> producer;

    public DeadLetters(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    /**
     * @param attemptsJson the attempt history as JSON, or null when there was none
     */
    public CompletableFuture<RecordMetadata> publish(ConsumerRecord<byte[], byte[]> original, String stage,
                                                     ErrorType type, String reason, String attemptsJson) {
        ProducerRecord<byte[], byte[]> dlq = new ProducerRecord<>(Topics.JOBS_DEAD_LETTER, null, original.key(), original.value());
        for (Header h : original.headers()) {
            if (!h.key().startsWith("railyard.dlq.")) {
                dlq.headers().add(h);
            }
        }
        put(dlq, Headers.DLQ_STAGE, stage);
        put(dlq, Headers.DLQ_ERROR_TYPE, type.code());
        put(dlq, Headers.DLQ_REASON, reason);
        put(dlq, Headers.DLQ_TOPIC, original.topic());
        put(dlq, Headers.DLQ_PARTITION, Integer.toString(original.partition()));
        put(dlq, Headers.DLQ_OFFSET, Long.toString(original.offset()));
        put(dlq, Headers.DLQ_AT, Instant.now().toString());
        if (attemptsJson != null) {
            put(dlq, Headers.DLQ_ATTEMPTS, attemptsJson);
        }
        return Sends.send(producer, dlq);
    }

    private static void put(ProducerRecord<byte[], byte[]> record, String key, String value) {
        record.headers().add(key, value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8));
    }
}
