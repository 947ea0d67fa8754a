package dev.railyard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.railyard.config.Deployment;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How fast an answer was generated, from the provider's answer to the job's result. */
class JobResultsTest {
    private static final Deployment DEPLOYMENT = new Deployment("bedrock-nova", "bedrock", "nova-lite", "amazon.nova-lite-v1:0");
    private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");

    private static ProviderResponse response(long completionTokens, long latencyMs, Long timeToFirstTokenMs) {
        return new ProviderResponse(200, JsonNodeFactory.instance.objectNode(), new Usage(10, completionTokens, 0), "req",
                latencyMs, timeToFirstTokenMs);
    }

    @ParameterizedTest(name = "{0} tokens, {1} ms, first after {2} ms: {3}/s")
    @CsvSource(nullValues = "null", value = {
        "101, 1100, 100, 100.0",   // the 100 tokens after the first took 1000 ms
        "11, 600, 100, 20.0",
        "101, 1100, null, null",   // buffered: no first token to measure from
        "1, 1100, 100, null",      // one token has no rate after the first
        "0, 1100, 100, null",
        "101, 100, 100, null"})    // everything arrived at once
    void tokens_per_second_count_the_tokens_after_the_first_over_the_time_after_it(
            long tokens, long latencyMs, Long ttftMs, Double expected) {
        assertThat(response(tokens, latencyMs, ttftMs).outputTokensPerSecond()).isEqualTo(expected);
    }

    @Test
    void a_streamed_success_carries_its_time_to_first_token_and_tokens_per_second_to_the_result() {
        ProviderResponse streamed = response(101, 1100, 100L);
        List<Attempt> attempts = List.of(Attempts.succeeded("job-1", 1, 1, DEPLOYMENT, T0, 1100, streamed,
                (usage, startedAt) -> BigDecimal.ONE));

        JobResult r = JobResults.of(Jobs.chat("job-1", "nova-lite", "hi"), DEPLOYMENT.id(),
                new CallOutcome(attempts, streamed, null, T0, 1100), T0);

        assertThat(r.timeToFirstTokenMs()).isEqualTo(100L);
        assertThat(r.outputTokensPerSecond()).isEqualTo(100.0);
        assertThat(r.withRouting(null).outputTokensPerSecond()).isEqualTo(100.0);
    }

    @Test
    void a_failed_job_has_no_rate() {
        JobError error = JobError.of(ErrorType.SERVER_ERROR, "boom");
        List<Attempt> attempts = List.of(Attempts.failed("job-2", 1, 1, DEPLOYMENT, T0, 5, error));

        JobResult r = JobResults.of(Jobs.chat("job-2", "nova-lite", "hi"), DEPLOYMENT.id(),
                new CallOutcome(attempts, null, error, T0, 5), T0);

        assertThat(r.outputTokensPerSecond()).isNull();
        assertThat(r.timeToFirstTokenMs()).isNull();
    }
}
