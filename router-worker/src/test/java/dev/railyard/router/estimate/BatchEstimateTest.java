package dev.railyard.router.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.router.policy.Route;
import dev.railyard.router.policy.RoutingPolicy;
import dev.railyard.router.policy.TokenEstimator;
import dev.railyard.schema.event.DeploymentHealthSnapshot;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.RoutingDecision;
import dev.railyard.schema.validation.JobRequestValidator;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The estimate is the router's own decision, line by line. */
class BatchEstimateTest {
    static final RailyardConfig config = new ConfigLoader(Map.of()).loadDefault();
    static final TokenEstimator tokens = new TokenEstimator();
    static final Instant NOW = Instant.parse("2026-03-15T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    final ObjectMapper json = new ObjectMapper();
    final EstimateInput input = new EstimateInput(json, new JobRequestValidator());

    static final String MINI = "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-4o-mini\","
            + "\"max_tokens\":100,\"n\":2,\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},"
            + "{\"role\":\"user\",\"content\":\"Summarise the history of the Roman Empire in one line.\"}]}}";
    static final String HAIKU = "{\"custom_id\":\"b\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"claude-haiku-4-5\","
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Name three rivers of Europe, with their lengths in kilometres.\"}]}}";
    static final String MINI2 = "{\"custom_id\":\"c\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-4o-mini\","
            + "\"max_completion_tokens\":7,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}";

    BatchEstimate estimator(Map<String, DeploymentHealthSnapshot> health) {
        return new BatchEstimate(config, tokens, () -> health, CLOCK);
    }

    /** What the router decides for the job a batch line becomes. */
    RoutingDecision routerDecision(String line) throws Exception {
        var node = json.readTree(line);
        JobSubmitted job = new JobSubmitted(1, "ev", "job_1", NOW, "default", "batch_1", node.path("custom_id").asText(), 1,
                node.path("url").asText(), node.path("body").path("model").asText(), node.path("body"), "bulk", null, null, null);
        return ((Route.Routed) new RoutingPolicy(config, tokens).decide(job)).decision();
    }

    @Test
    void token_counts_and_worst_case_cost_are_the_routers() throws Exception {
        Estimate e = estimator(Map.of()).estimate("default", input.batch(String.join("\n", MINI, HAIKU, MINI2), null), true);

        RoutingDecision mini = routerDecision(MINI);
        RoutingDecision haiku = routerDecision(HAIKU);
        RoutingDecision mini2 = routerDecision(MINI2);
        assertThat(mini.estimatedPromptTokens()).isPositive();
        assertThat(e.lines()).isEqualTo(3);
        assertThat(e.estimatedLines()).isEqualTo(3);
        assertThat(e.promptTokens()).isEqualTo(mini.estimatedPromptTokens() + haiku.estimatedPromptTokens() + mini2.estimatedPromptTokens());
        // 100 x 2 choices, the router's default for a chat request without a limit, 7
        assertThat(e.maxOutputTokens()).isEqualTo(200 + TokenEstimator.DEFAULT_CHAT_OUTPUT_TOKENS + 7);
        assertThat(e.estimatedCost()).isEqualTo(mini.estimatedCost().add(haiku.estimatedCost()).add(mini2.estimatedCost()));

        Estimate.ModelEstimate byMini = e.byModel().stream().filter(m -> m.model().equals("gpt-4o-mini")).findFirst().orElseThrow();
        assertThat(byMini.lines()).isEqualTo(2);
        assertThat(byMini.promptTokens()).isEqualTo(mini.estimatedPromptTokens() + mini2.estimatedPromptTokens());
        assertThat(byMini.maxOutputTokens()).isEqualTo(207);
        assertThat(byMini.estimatedCost()).isEqualTo(mini.estimatedCost().add(mini2.estimatedCost()));
        assertThat(byMini.deployments()).isEqualTo(Map.of(mini.deploymentId(), 2));
        // Most expensive first: haiku's worst case (1,024 output tokens at $5/M) beats mini's
        assertThat(e.byModel()).extracting(Estimate.ModelEstimate::model).containsExactly("claude-haiku-4-5", "gpt-4o-mini");
    }

    @Test
    void one_request_is_estimated_like_a_line() throws Exception {
        Estimate e = estimator(Map.of()).estimate("default",
                input.single("{\"model\":\"gpt-4o-mini\",\"max_completion_tokens\":7,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), false);
        RoutingDecision expected = routerDecision(MINI2);
        assertThat(e.lines()).isEqualTo(1);
        assertThat(e.promptTokens()).isEqualTo(1); // "hi" is one o200k token
        assertThat(e.promptTokens()).isEqualTo(expected.estimatedPromptTokens());
        assertThat(e.estimatedCost()).isEqualTo(expected.estimatedCost());
        // 1 x 0.15 + 7 x 0.60 per million
        assertThat(e.estimatedCost()).isEqualByComparingTo(new BigDecimal("0.00000435"));
    }

    @Test
    void lines_the_router_would_fail_are_reported_not_estimated() {
        String unknown = "{\"custom_id\":\"x\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-99\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}";
        Estimate e = estimator(Map.of()).estimate("default", input.batch(MINI2 + "\n{\"custom_id\":1}\n" + unknown, null), true);

        assertThat(e.lines()).isEqualTo(3);
        assertThat(e.estimatedLines()).isEqualTo(1);
        assertThat(e.invalid()).extracting(LineProblem::lineNumber, LineProblem::code).containsExactly(org.assertj.core.groups.Tuple.tuple(2, "invalid_custom_id"));
        assertThat(e.unroutable()).singleElement().satisfies(p -> {
            assertThat(p.lineNumber()).isEqualTo(3);
            assertThat(p.customId()).isEqualTo("x");
            assertThat(p.code()).isEqualTo("model_not_found");
            assertThat(p.message()).startsWith("model 'gpt-99' is not available");
        });
    }

    @Test
    void an_open_circuit_sends_the_estimate_where_the_router_would_send_the_job() {
        String line = "{\"custom_id\":\"r\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"route:summarize-cheap\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Summarise Kafka\"}]}}";
        Estimate healthy = estimator(Map.of()).estimate("default", input.batch(line, null), true);
        String cheapest = healthy.byModel().get(0).deployments().keySet().iterator().next();

        DeploymentHealthSnapshot open = new DeploymentHealthSnapshot(1, cheapest, "router-1", NOW.minusSeconds(60), NOW, 20, 20, 1.0,
                900, 1200, null, DeploymentHealthSnapshot.Circuit.OPEN, NOW.minusSeconds(5), 20);
        Estimate avoiding = estimator(Map.of(cheapest, open)).estimate("default", input.batch(line, null), true);

        assertThat(avoiding.byModel()).singleElement().satisfies(m -> {
            assertThat(m.model()).isEqualTo("route:summarize-cheap");
            assertThat(m.deployments()).hasSize(1).doesNotContainKey(cheapest);
        });
    }

    @Test
    void batch_lines_get_the_batch_price_a_single_request_does_not() {
        RailyardConfig discounted = new ConfigLoader(Map.of()).parse("""
                providers:
                  openai: { type: openai-compatible, base_url: "https://api.openai.com/v1", api_key: "", simulate_without_key: true }
                models:
                  gpt-4o-mini: { owned_by: openai, kind: chat, input_per_million: 0.15, output_per_million: 0.60, batch_discount: 0.5, context_window: 128000 }
                deployments:
                  - { id: openai-gpt-4o-mini, provider: openai, model: gpt-4o-mini }
                """, "test");
        BatchEstimate estimator = new BatchEstimate(discounted, tokens, Map::of, CLOCK);
        Estimate batch = estimator.estimate("default", input.batch(MINI2, null), true);
        Estimate single = estimator.estimate("default",
                input.single("{\"model\":\"gpt-4o-mini\",\"max_completion_tokens\":7,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), false);
        assertThat(single.estimatedCost()).isEqualByComparingTo(new BigDecimal("0.00000435"));
        assertThat(batch.estimatedCost()).isEqualByComparingTo(new BigDecimal("0.000002175"));
    }
}
