package dev.railyard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobDispatched;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.event.RoutingDecision;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FallbacksTest {
    private static final RailyardConfig CONFIG = new ConfigLoader(Map.of()).parse("""
            providers:
              a: { base_url: "http://a.example/v1", api_key: k }
              b: { base_url: "http://b.example/v1", api_key: k }
            models:
              m: { input_per_million: 1, output_per_million: 2 }
              safe: { input_per_million: 1, output_per_million: 2 }
            deployments:
              - { id: a-m, provider: a, model: m }
              - { id: b-m, provider: b, model: m }
              - { id: b-safe, provider: b, model: safe }
              - { id: b-m-big, provider: b, model: m, context_window: 128000 }
            routes:
              r:
                targets: [m]
                fallback_on_content_filter: safe
            """, "test");
    private static final Instant NOW = Instant.parse("2026-11-22T03:00:00Z");

    @ParameterizedTest(name = "{0} with fallbacks [{1}] -> {2}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
            "server_error            | b-m       | b-m",
            "rate_limited            | b-m       | b-m",
            "context_length_exceeded | b-m       | NONE",
            "context_length_exceeded | b-m;b-m-big | b-m-big",
            "unsupported_parameter   | b-m       | b-m",
            "invalid_request         | b-m       | NONE",
            "content_filtered        | b-m       | NONE",
            "budget_exceeded         | b-m       | NONE",
            "server_error            | NONE      | NONE",
            "server_error            | gone      | NONE",
            "server_error            | gone;b-m  | b-m",
    })
    void reroutes_only_failures_of_the_deployment_to_a_known_fallback(String type, String fallbacks, String expected) {
        List<String> left = fallbacks == null ? List.of() : List.of(fallbacks.split(";"));
        JobDispatched current = dispatched(left);
        var next = new Fallbacks(CONFIG).next(current, failed(ErrorType.fromCode(type)), NOW);

        assertThat(next.map(n -> n.decision().deploymentId()).orElse(null)).isEqualTo(expected);
        next.ifPresent(n -> {
            assertThat(n.decision().hop()).isEqualTo(2);
            assertThat(n.decision().provider()).isEqualTo("b");
            assertThat(n.decision().fallbacks()).isEmpty();
            assertThat(n.previousAttemptsOrEmpty()).extracting(Attempt::attemptId).containsExactly("j:1:1");
        });
    }

    @org.junit.jupiter.api.Test
    void refused_content_goes_to_the_routes_content_filter_fallback_only() {
        JobDispatched routed = new JobDispatched(1, "e", "j", NOW, Jobs.chat("j", "m", "hi"),
                new RoutingDecision("a-m", "a", "m", 1, BigDecimal.ONE, List.of("b-m"), 1, "first", "r", null, null, null, null));

        var next = new Fallbacks(CONFIG).next(routed, failed(ErrorType.CONTENT_FILTERED), NOW);

        assertThat(next.map(n -> n.decision().deploymentId())).contains("b-safe");
        assertThat(next.get().decision().fallbacks()).isEmpty();
        // Without a route (a plain model request) refused content is final.
        assertThat(new Fallbacks(CONFIG).next(dispatched(List.of("b-m")), failed(ErrorType.CONTENT_FILTERED), NOW)).isEmpty();
    }

    private static JobDispatched dispatched(List<String> fallbacks) {
        return new JobDispatched(1, "e", "j", NOW, Jobs.chat("j", "m", "hi"),
                new RoutingDecision("a-m", "a", "m", 1, BigDecimal.ONE, fallbacks, 1, "first"));
    }

    private static JobResult failed(ErrorType type) {
        JobError error = JobError.of(type, "no");
        Attempt attempt = new Attempt("j:1:1", "a-m", "a", "m", 1, 1, NOW, 5, 500, Usage.NONE, BigDecimal.ZERO, false, error);
        return new JobResult(1, "r", "j", NOW, "t", null, null, "/v1/chat/completions", Outcome.FAILED, "m", "a-m", null,
                Usage.NONE, BigDecimal.ZERO, 5, null, List.of(attempt), error);
    }
}
