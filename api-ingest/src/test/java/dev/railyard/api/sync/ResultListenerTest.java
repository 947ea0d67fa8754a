package dev.railyard.api.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResultListenerTest {
    private static final EventCodec CODEC = new EventCodec();
    private static final TopicPartition P0 = new TopicPartition(Topics.JOBS_RESULTS, 0);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
    private final ResultWaiters waiters = new ResultWaiters();
    private ResultListener listener;
    private long offset = 7;

    @BeforeEach
    void start() {
        Node node = new Node(0, "localhost", 9092);
        consumer.updatePartitions(Topics.JOBS_RESULTS, List.of(new PartitionInfo(Topics.JOBS_RESULTS, 0, node, new Node[]{node}, new Node[]{node})));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        consumer.updateEndOffsets(Map.of(P0, offset));
        listener = new ResultListener(consumer, waiters, CODEC, Clock.systemUTC());
        listener.start(Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() {
        listener.close();
    }

    @Test
    void starts_at_the_end_of_the_topic() {
        assertThat(consumer.assignment()).containsExactly(P0);
        assertThat(consumer.position(P0)).isEqualTo(7);
    }

    @Test
    void hands_a_waited_for_result_to_its_waiter() throws Exception {
        CompletableFuture<Finished> promise = waiters.register("job_waited");

        add("job_waited", CODEC.encode(result("job_waited", Outcome.FAILED, JobError.of(ErrorType.RATE_LIMITED, "slow down"))));

        Finished finished = promise.get(60, TimeUnit.SECONDS);
        assertThat(finished.state()).isEqualTo("failed");
        assertThat(finished.error().code()).isEqualTo("rate_limited");
        assertThat(finished.error().message()).isEqualTo("slow down");
    }

    @Test
    void keeps_going_past_unreadable_and_unwanted_results() throws Exception {
        CompletableFuture<Finished> promise = waiters.register("job_later");

        add("job_nobody_waits", "not json at all".getBytes(StandardCharsets.UTF_8));
        add("job_later", "{\"truncated".getBytes(StandardCharsets.UTF_8));
        add(null, CODEC.encode(result("job_keyless", Outcome.SUCCEEDED, null)));
        add("job_later", CODEC.encode(result("job_later", Outcome.SUCCEEDED, null)));

        Finished finished = promise.get(60, TimeUnit.SECONDS);
        assertThat(finished.succeeded()).isTrue();
        assertThat(CODEC.mapper().readTree(finished.responseJson()).path("object").asText()).isEqualTo("chat.completion");
    }

    private void add(String key, byte[] value) {
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(Topics.JOBS_RESULTS, 0, offset++,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value)));
    }

    private static JobResult result(String jobId, Outcome outcome, JobError error) {
        var response = outcome == Outcome.SUCCEEDED
                ? JsonNodeFactory.instance.objectNode().put("id", "chatcmpl-1").put("object", "chat.completion") : null;
        return new JobResult(1, "evt-" + jobId, jobId, Instant.parse("2030-01-01T00:00:00Z"), "default", null, null,
                "/v1/chat/completions", outcome, "gpt-4o-mini", "openai-gpt-4o-mini", response,
                outcome == Outcome.SUCCEEDED ? new Usage(3, 5, 0) : Usage.NONE, BigDecimal.ZERO, 12, null, List.of(), error);
    }
}
