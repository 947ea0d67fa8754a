package dev.railyard.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCodecTest {
    private final EventCodec codec = new EventCodec();

    @Test
    void a_result_round_trips_with_exact_money_and_snake_case_wire_names() {
        Attempt attempt = new Attempt(Attempt.id("job_1", 1, 2), "d", "openai", "gpt-4o-mini", 1, 2,
                Instant.parse("2026-11-22T01:00:00Z"), 12, 200, new Usage(10, 5, 0),
                new BigDecimal("0.000004500000"), true, null);
        JobResult result = new JobResult(1, "e1", "job_1", Instant.parse("2026-11-22T01:00:01Z"), "default", "batch_1", "c1",
                "/v1/chat/completions", Outcome.SUCCEEDED, "gpt-4o-mini", "d", null, new Usage(10, 5, 0),
                new BigDecimal("0.000004500000"), 12, null, List.of(attempt), null);

        byte[] bytes = codec.encode(result);
        String json = new String(bytes, StandardCharsets.UTF_8);

        assertThat(json).contains("\"job_id\":\"job_1\"", "\"outcome\":\"succeeded\"", "\"cost\":0.000004500000",
                "\"attempt_id\":\"job_1:1:2\"").doesNotContain("\"error\":null");
        assertThat(codec.decode(bytes, JobResult.class)).isEqualTo(result);
    }

    @Test
    void error_types_use_lower_case_wire_names() {
        byte[] bytes = codec.encode(JobError.of(ErrorType.CONTEXT_LENGTH_EXCEEDED, "too long"));
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"type\":\"context_length_exceeded\"");
        assertThat(codec.decode(bytes, JobError.class).type()).isEqualTo(ErrorType.CONTEXT_LENGTH_EXCEEDED);
    }

    @Test
    void unreadable_records_are_malformed_with_a_reason() {
        assertThatThrownBy(() -> codec.decode("not json".getBytes(StandardCharsets.UTF_8), JobResult.class))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("JobResult");
        assertThatThrownBy(() -> codec.decode(new byte[0], JobResult.class))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> codec.decode("null".getBytes(StandardCharsets.UTF_8), JobResult.class))
                .isInstanceOf(MalformedEventException.class);
    }
}
