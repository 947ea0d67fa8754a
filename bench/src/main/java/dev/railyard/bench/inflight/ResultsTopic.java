package dev.railyard.bench.inflight;

import dev.railyard.kafka.KafkaClients;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code railyard.jobs.results} seen from the benchmark. While the worker runs, only its end offsets are read
 * (results written and acknowledged, without fetching or parsing one), so counting costs the measured JVM next
 * to nothing; the results themselves are read and parsed after the measurement.
 */
final class ResultsTopic implements AutoCloseable {
    /**
     * One result: when the worker handed it to its producer (the record's CreateTime), its outcome, and its
     * last provider call as the worker timed it (connection wait, request, simulator latency, response).
     */
    record Result(long producedAtMs, boolean succeeded, String failure, long callStartedAtMs, long callMs) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;

    private ResultsTopic(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
        this.consumer = consumer;
        this.partitions = partitions;
    }

    static ResultsTopic open(KafkaClients clients) {
        KafkaConsumer<byte[], byte[]> consumer = clients.consumer("bench-results-" + System.nanoTime(), 5_000);
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.JOBS_RESULTS).stream()
                .map(p -> new TopicPartition(Topics.JOBS_RESULTS, p.partition())).toList();
        consumer.assign(partitions);
        return new ResultsTopic(consumer, partitions);
    }

    /** Results written so far: the topic is fresh and its producer idempotent, not transactional, so offsets count records. */
    long written() {
        return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Every result on the topic, parsed. */
    List<Result> readAll() {
        EventCodec codec = new EventCodec();
        long total = written();
        consumer.seekToBeginning(partitions);
        List<Result> out = new ArrayList<>((int) total);
        long quietSince = System.nanoTime();
        while (out.size() < total && System.nanoTime() - quietSince < Duration.ofSeconds(30).toNanos()) {
            for (var r : consumer.poll(Duration.ofMillis(200))) {
                quietSince = System.nanoTime();
                var result = codec.tree(r.value());
                String outcome = result.path("outcome").asText();
                var attempts = result.path("attempts");
                var last = attempts.path(attempts.size() - 1);
                long started = last.hasNonNull("started_at") ? Instant.parse(last.path("started_at").asText()).toEpochMilli() : -1;
                out.add(new Result(r.timestamp(), "succeeded".equals(outcome),
                        "succeeded".equals(outcome) ? null : outcome + ": " + result.path("error").path("message").asText(),
                        started, last.path("latency_ms").asLong(-1)));
            }
        }
        return out;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(1));
    }
}
