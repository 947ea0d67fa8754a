package dev.railyard.router.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.RoutingDecision;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The routing estimate is the deployment's price with its per-request fee and, for a batch job, its batch
 * discount; and never below what the call can bill: a scheduled increase counts, a past price does not.
 */
class RoutingPolicyPricingTest {
    private static final String CONFIG = """
            providers:
              openai: { base_url: "http://openai.test/v1" }
              azure: { base_url: "http://azure.test/v1" }
            models:
              gpt-4o:
                input_per_million: 5.00
                output_per_million: 15.00
                per_request_usd: 0.001
                batch_discount: 0.5
                prices:
                  - { effective_from: 2025-01-01, input_per_million: 2.50, output_per_million: 10.00 }
                  - { effective_from: 2026-01-01, input_per_million: 3.00, output_per_million: 8.00 }
            deployments:
              - { id: openai-gpt-4o, provider: openai, model: gpt-4o }
            """;
    private static final RailyardConfig config = new ConfigLoader(Map.of()).parse(CONFIG, "test");
    private static final TokenEstimator tokens = new TokenEstimator();
    private static final EventCodec codec = new EventCodec();
    /** "Hello, world!" is 4 tokens; max_tokens 100. */
    private static final long PROMPT = 4;
    private static final long OUTPUT = 100;

    private static JobSubmitted chat(String batchId) {
        return new JobSubmitted(1, "e1", "job-1", Instant.EPOCH, "acme", batchId, null, 0, "/v1/chat/completions", "gpt-4o",
                codec.tree("{\"model\":\"gpt-4o\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Hello, world!\"}]}".getBytes()),
                null, null, null, null);
    }

    private static RoutingDecision route(RailyardConfig config, String now, JobSubmitted job) {
        RoutingPolicy policy = new RoutingPolicy(config, tokens, d -> config.model(d.model()).orElseThrow(),
                DeploymentHealth.expected(), BudgetGate.allowAll(), Clock.fixed(Instant.parse(now), ZoneOffset.UTC));
        Route route = policy.decide(job);
        assertThat(route).isInstanceOf(Route.Routed.class);
        return ((Route.Routed) route).decision();
    }

    private static BigDecimal expected(String input, String output, String fee, String discount) {
        return new BigDecimal(input).multiply(BigDecimal.valueOf(PROMPT))
                .add(new BigDecimal(output).multiply(BigDecimal.valueOf(OUTPUT)))
                .divide(BigDecimal.valueOf(1_000_000)).add(new BigDecimal(fee))
                .multiply(BigDecimal.ONE.subtract(new BigDecimal(discount))).setScale(12, RoundingMode.HALF_EVEN);
    }

    @ParameterizedTest(name = "at {0}, batch {1}")
    @CsvSource({
            // before 2025: the initial price, ceilinged by both later changes (input 5 now, output 15 now)
            "2024-06-01T00:00:00Z, ,        5.00, 15.00, 0",
            // during 2025: 2.50/10 now, but 3.00 input from 2026: the higher of each
            "2025-06-01T00:00:00Z, ,        3.00, 10.00, 0",
            "2025-06-01T00:00:00Z, batch-1, 3.00, 10.00, 0.5",
            // from 2026: the last price alone; the older, higher ones no longer bill anything
            "2026-06-01T00:00:00Z, ,        3.00, 8.00,  0",
            "2026-06-01T00:00:00Z, batch-1, 3.00, 8.00,  0.5",
    })
    void the_estimate_is_the_ceiling_of_the_price_now_and_every_later_one(String now, String batchId, String input,
                                                                          String output, String discount) {
        RoutingDecision d = route(config, now, chat(batchId));

        assertThat(d.estimatedPromptTokens()).isEqualTo((int) PROMPT);
        assertThat(d.estimatedCost()).isEqualTo(expected(input, output, "0.001", discount));
    }

    @Test
    void a_deployment_priced_below_its_model_wins_on_its_own_price() {
        RailyardConfig withAzure = new ConfigLoader(Map.of()).parse(CONFIG + """
                  - { id: azure-gpt-4o, provider: azure, model: gpt-4o, input_per_million: 2, output_per_million: 6, per_request_usd: 0 }
                """, "test");
        Map<String, BigDecimal> estimates = new LinkedHashMap<>();
        RoutingPolicy policy = new RoutingPolicy(withAzure, tokens, d -> withAzure.model(d.model()).orElseThrow(),
                DeploymentHealth.expected(), (job, deployment, cost) -> {
                    estimates.put(deployment.id(), cost);
                    return Optional.empty();
                }, Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC));

        RoutingDecision d = ((Route.Routed) policy.decide(chat("batch-1"))).decision();

        assertThat(d.deploymentId()).isEqualTo("azure-gpt-4o");
        // the deployment's flat price keeps its model's batch discount
        assertThat(estimates).containsEntry("azure-gpt-4o", expected("2", "6", "0", "0.5"))
                .containsEntry("openai-gpt-4o", expected("3.00", "8.00", "0.001", "0.5"));
    }
}
