package dev.railyard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.Deployment;
import dev.railyard.config.RailyardConfig;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each attempt is priced at the price in effect when it started, with the batch discount for batch jobs. */
class AttemptPriceTest {
    private static final RailyardConfig CONFIG = new ConfigLoader(Map.of()).parse("""
            providers:
              openai: { base_url: "https://api.openai.com/v1" }
              azure: { base_url: "https://example.openai.azure.com" }
            models:
              gpt-4o:
                input_per_million: 5.00
                output_per_million: 15.00
                per_request_usd: 0.0001
                batch_discount: 0.5
                prices:
                  - { effective_from: "2025-06-01T12:00:00Z", input_per_million: 2.50, output_per_million: 10.00 }
            deployments:
              - { id: openai-gpt-4o, provider: openai, model: gpt-4o }
              - { id: azure-gpt-4o, provider: azure, model: gpt-4o, input_per_million: 3, output_per_million: 12, batch_discount: 0 }
            """, "test");
    private static final Instant CHANGE = Instant.parse("2025-06-01T12:00:00Z");
    private static final Usage USAGE = new Usage(1000, 200, 0);

    private static JobSubmitted job(String batchId) {
        JobSubmitted chat = Jobs.chat("job-p", "gpt-4o", "hi");
        return new JobSubmitted(chat.schemaVersion(), chat.eventId(), chat.jobId(), chat.occurredAt(), chat.tenant(), batchId,
                chat.customId(), chat.lineNumber(), chat.endpoint(), chat.model(), chat.body(), chat.priority(), chat.deadline(),
                chat.metadata(), chat.callbackUrl());
    }

    /** (prompt x input + completion x output) per million, plus the fee, less the discount: from the prices, exactly. */
    private static BigDecimal expected(String input, String output, String fee, String discount) {
        BigDecimal call = new BigDecimal(input).multiply(BigDecimal.valueOf(USAGE.promptTokens()))
                .add(new BigDecimal(output).multiply(BigDecimal.valueOf(USAGE.completionTokens())))
                .divide(BigDecimal.valueOf(1_000_000))
                .add(new BigDecimal(fee));
        return call.multiply(BigDecimal.ONE.subtract(new BigDecimal(discount))).setScale(12, RoundingMode.HALF_EVEN);
    }

    private static Deployment deployment(String id) {
        return CONFIG.deployment(id).orElseThrow();
    }

    @ParameterizedTest(name = "{0} started {1}, batch {2}")
    @CsvSource({
            // one nanosecond before the change: the old price
            "openai-gpt-4o, 2025-06-01T11:59:59.999999999Z, , 5.00, 15.00, 0.0001, 0",
            "openai-gpt-4o, 2025-06-01T11:59:59.999999999Z, batch-1, 5.00, 15.00, 0.0001, 0.5",
            // from the change on: the new price, fee and discount carried over
            "openai-gpt-4o, 2025-06-01T12:00:00Z, , 2.50, 10.00, 0.0001, 0",
            "openai-gpt-4o, 2026-01-01T00:00:00Z, batch-1, 2.50, 10.00, 0.0001, 0.5",
            // a deployment with its own price: no schedule, no batch discount
            "azure-gpt-4o, 2024-01-01T00:00:00Z, batch-1, 3, 12, 0.0001, 0",
            "azure-gpt-4o, 2026-01-01T00:00:00Z, , 3, 12, 0.0001, 0",
    })
    void an_attempt_pays_the_price_in_effect_when_it_started(String deploymentId, String startedAt, String batchId,
                                                          String input, String output, String fee, String discount) {
        AttemptPrice price = AttemptPrice.of(CONFIG, deployment(deploymentId), job(batchId));

        assertThat(price.cost(USAGE, Instant.parse(startedAt))).isEqualTo(expected(input, output, fee, discount));
    }

    @Test
    void attempts_either_side_of_a_price_change_are_billed_at_their_own_start() {
        AttemptPrice price = AttemptPrice.of(CONFIG, deployment("openai-gpt-4o"), job(null));
        ProviderResponse answer = new ProviderResponse(200, JsonNodeFactory.instance.objectNode(), USAGE, "req", 40);

        // the first started before the change and finished after it: still the old price
        Attempt before = Attempts.succeeded("job-p", 1, 1, deployment("openai-gpt-4o"), CHANGE.minusMillis(30), 60_000, answer, price);
        Attempt after = Attempts.succeeded("job-p", 1, 2, deployment("openai-gpt-4o"), CHANGE.plusMillis(30), 40, answer, price);

        assertThat(before.cost()).isEqualTo(expected("5.00", "15.00", "0.0001", "0"));
        assertThat(after.cost()).isEqualTo(expected("2.50", "10.00", "0.0001", "0"));
    }

    @Test
    void an_unbilled_attempt_pays_no_per_request_fee() {
        AttemptPrice price = AttemptPrice.of(CONFIG, deployment("openai-gpt-4o"), job(null));
        ProviderResponse noUsage = new ProviderResponse(200, JsonNodeFactory.instance.objectNode(), Usage.NONE, "req", 40);

        Attempt a = Attempts.succeeded("job-p", 1, 1, deployment("openai-gpt-4o"), CHANGE, 40, noUsage, price);

        assertThat(a.billed()).isFalse();
        assertThat(a.cost()).isZero();
        // the fee alone is what a billed call with no tokens would pay
        assertThat(price.cost(new Usage(0, 0, 0, true), CHANGE)).isEqualByComparingTo("0.0001");
    }
}
