package dev.railyard.budget.deadletter;

import java.time.Instant;
import java.util.List;

/** One recorded dead-letter record: where it is, where its original was, why, and the original bytes. */
public record DeadLetter(long id, RecordPosition dlq, RecordPosition source, String stage, String reason, String errorType,
                         String jobId, String tenant, byte[] key, byte[] value, List<RecordHeader> headers, Instant recordedAt,
                         Instant replayedAt, RecordPosition replay) {

    /** A record's place in Kafka; any field may be null when a header was missing. */
    public record RecordPosition(String topic, Integer partition, Long offset) {
    }

    /** A Kafka header, value as bytes. */
    public record RecordHeader(String key, byte[] value) {
    }

    /** The headers the original record had: all but the {@code railyard.dlq.*} ones the dead-letter stage added. */
    public List<RecordHeader> originalHeaders() {
        return headers.stream().filter(h -> !h.key().startsWith(DeadLetterRecorder.DLQ_HEADER_PREFIX)).toList();
    }
}
