package dev.railyard.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.DeploymentHealthSnapshot;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.event.RoutingDecision;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @Test
    void a_routing_decision_round_trips_with_route_variant_rejections_and_scores_in_order() {
        Map<String, Double> scores = new LinkedHashMap<>();
        scores.put("gemini-flash", 0.21);
        scores.put("openai-gpt-4o-mini", 0.5);
        RoutingDecision decision = new RoutingDecision("gemini-flash", "gemini", "gemini-2.0-flash", 12,
                new BigDecimal("0.000100000000"), List.of("openai-gpt-4o-mini"), 1, "route r: ...", "summarize-cheap", "gemini-flash",
                List.of("gemini-flash", "openai-gpt-4o-mini", "openai-gpt-4o"),
                List.of(new RoutingDecision.Rejection("openai-gpt-4o", "lacks vision")), scores);

        byte[] bytes = codec.encode(decision);
        String json = new String(bytes, StandardCharsets.UTF_8);

        assertThat(json).contains("\"route\":\"summarize-cheap\"", "\"variant\":\"gemini-flash\"",
                "\"rejected\":[{\"deployment_id\":\"openai-gpt-4o\",\"reason\":\"lacks vision\"}]",
                "\"scores\":{\"gemini-flash\":0.21,\"openai-gpt-4o-mini\":0.5}");
        assertThat(codec.decode(bytes, RoutingDecision.class)).isEqualTo(decision);
    }

    @Test
    void a_routing_decision_written_before_routes_existed_still_reads_and_old_style_ones_omit_the_new_fields() {
        String old = "{\"deployment_id\":\"d\",\"provider\":\"openai\",\"provider_model\":\"gpt-4o-mini\","
                + "\"estimated_prompt_tokens\":4,\"estimated_cost\":0.0006,\"fallbacks\":[],\"hop\":1,\"reason\":\"cheapest\"}";
        RoutingDecision decoded = codec.decode(old.getBytes(StandardCharsets.UTF_8), RoutingDecision.class);
        RoutingDecision expected = new RoutingDecision("d", "openai", "gpt-4o-mini", 4, new BigDecimal("0.0006"), List.of(), 1, "cheapest");
        assertThat(decoded).isEqualTo(expected);
        assertThat(decoded.route()).isNull();
        assertThat(decoded.rejected()).isNull();
        assertThat(new String(codec.encode(expected), StandardCharsets.UTF_8)).isEqualTo(old);
    }

    @Test
    void a_health_snapshot_round_trips_with_lower_case_circuit_and_nullable_fields_omitted() {
        DeploymentHealthSnapshot s = new DeploymentHealthSnapshot(1, "openai-gpt-4o", "router-1",
                Instant.parse("2026-11-22T01:00:00Z"), Instant.parse("2026-11-22T01:01:00Z"), 20, 11, 0.55, 800, 2400, null,
                DeploymentHealthSnapshot.Circuit.HALF_OPEN, Instant.parse("2026-11-22T01:00:30Z"), 0);

        byte[] bytes = codec.encode(s);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"circuit\":\"half_open\"", "\"latency_p95_ms\":2400",
                "\"deployment_id\":\"openai-gpt-4o\"").doesNotContain("ttft_p50_ms");
        assertThat(codec.decode(bytes, DeploymentHealthSnapshot.class)).isEqualTo(s);
        assertThat(s.key()).isEqualTo("openai-gpt-4o|router-1");
    }
}
