package dev.railyard.kafka;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Handles one polled batch. The returned stage completes when every effect of the batch is durable
 * (records produced and acknowledged, rows committed); only then are the offsets committed. A handler
 * deals with bad records itself (dead letter) so that a failed stage means "retry the whole batch".
 */
@FunctionalInterface
public interface BatchHandler {
    CompletionStage<Void> handle(List<ConsumerRecord<byte[], byte[]>> records);
}
