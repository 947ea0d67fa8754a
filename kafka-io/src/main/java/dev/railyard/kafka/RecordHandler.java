package dev.railyard.kafka;

import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Handles one record asynchronously; the stage completes when its effects are durable. A stage that
 * fails sends the record to the dead-letter topic, so one bad record never blocks its partition.
 */
@FunctionalInterface
public interface RecordHandler {
    CompletionStage<Void> handle(ConsumerRecord<byte[], byte[]> record);
}
