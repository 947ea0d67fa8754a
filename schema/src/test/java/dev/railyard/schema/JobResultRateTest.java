package dev.railyard.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code output_tokens_per_second}: new on results, absent from older ones and from unstreamed answers. */
class JobResultRateTest {
    private final EventCodec codec = new EventCodec();

    private static JobResult streamed(Double tokensPerSecond) {
        return new JobResult(1, "e1", "job_1", Instant.parse("2026-11-22T01:00:01Z"), "default", null, null,
                "/v1/chat/completions", Outcome.SUCCEEDED, "nova-lite", "d", null, new Usage(10, 101, 0),
                new BigDecimal("0.000010000000"), 1100, 100L, List.of(), null, null, tokensPerSecond);
    }

    @Test
    void the_rate_round_trips_under_its_snake_case_name() {
        JobResult result = streamed(87.5);

        byte[] bytes = codec.encode(result);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"output_tokens_per_second\":87.5",
                "\"time_to_first_token_ms\":100");
        assertThat(codec.decode(bytes, JobResult.class)).isEqualTo(result);
    }

    @Test
    void a_result_without_a_rate_omits_it_and_one_written_before_the_field_reads_as_null() {
        byte[] bytes = codec.encode(streamed(null));
        assertThat(new String(bytes, StandardCharsets.UTF_8)).doesNotContain("output_tokens_per_second");
        assertThat(codec.decode(bytes, JobResult.class).outputTokensPerSecond()).isNull();
    }

    @Test
    void the_compatibility_constructors_have_no_rate_and_with_routing_keeps_it() {
        JobResult old = new JobResult(1, "e1", "job_1", Instant.EPOCH, "t", null, null, "/v1/chat/completions",
                Outcome.SUCCEEDED, "m", "d", null, Usage.NONE, BigDecimal.ZERO, 5, null, List.of(), null);

        assertThat(old.outputTokensPerSecond()).isNull();
        assertThat(old.routing()).isNull();
        assertThat(streamed(12.0).withRouting(null).outputTokensPerSecond()).isEqualTo(12.0);
    }
}
