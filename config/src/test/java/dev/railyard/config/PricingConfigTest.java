package dev.railyard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PricingConfigTest {
    private static final String CONFIG = """
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
                  - { effective_from: 2024-08-06, input_per_million: 2.50, output_per_million: 10.00, cached_input_per_million: 1.25 }
                  - { effective_from: "2026-07-01T12:00:00Z", output_per_million: 12.00 }
              gpt-4o-mini: { input_per_million: 0.15, output_per_million: 0.60 }
            deployments:
              - { id: openai-gpt-4o, provider: openai, model: gpt-4o }
              - id: azure-gpt-4o
                provider: azure
                model: gpt-4o
                input_per_million: 2.75
                prices:
                  - { effective_from: 2026-01-01, input_per_million: 2.20, batch_discount: 0 }
              - { id: openai-gpt-4o-mini, provider: openai, model: gpt-4o-mini }
            """;
    private static final RailyardConfig config = new ConfigLoader(Map.of()).parse(CONFIG, "test");

    private static Price price(String deployment, String instant) {
        return config.price(config.deployment(deployment).orElseThrow(), Instant.parse(instant));
    }

    private static Price price(String input, String output, String cached, String fee, String discount) {
        return new Price(new BigDecimal(input), new BigDecimal(output), new BigDecimal(cached), new BigDecimal(fee),
                new BigDecimal(discount));
    }

    /** YAML numbers arrive through a double, so 15.00 reads as 15.0: compare values, not scales. */
    private static void assertSameValues(Price actual, Price expected) {
        assertThat(actual).usingRecursiveComparison().withComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                .isEqualTo(expected);
    }

    @Test
    void a_schedule_prices_each_time_at_the_entry_in_effect_and_omitted_fields_carry_over() {
        // the flat fields: in effect from the beginning of time; cached follows input when not set
        assertSameValues(price("openai-gpt-4o", "2024-08-05T23:59:59Z"), price("5.00", "15.00", "5.00", "0.0001", "0.5"));
        // a date means 00:00 UTC; the fee and discount carry over
        assertSameValues(price("openai-gpt-4o", "2024-08-06T00:00:00Z"), price("2.50", "10.00", "1.25", "0.0001", "0.5"));
        // only the output price changes; the explicit cached price stays
        assertSameValues(price("openai-gpt-4o", "2026-07-01T12:00:00Z"), price("2.50", "12.00", "1.25", "0.0001", "0.5"));
        assertThat(config.model("gpt-4o").orElseThrow().prices().changes()).extracting(PriceSchedule.Change::effectiveFrom)
                .containsExactly(Instant.parse("2024-08-06T00:00:00Z"), Instant.parse("2026-07-01T12:00:00Z"));
    }

    @Test
    void a_deployment_with_its_own_prices_is_billed_by_them_alone() {
        // flat override: input 2.75, the rest from the model's flat price (cached follows the input price)
        assertSameValues(price("azure-gpt-4o", "2025-06-01T00:00:00Z"), price("2.75", "15.00", "2.75", "0.0001", "0.5"));
        assertSameValues(price("azure-gpt-4o", "2026-01-01T00:00:00Z"), price("2.20", "15.00", "2.20", "0.0001", "0"));
        // the model's scheduled output change does not reach a deployment with its own prices
        assertThat(price("azure-gpt-4o", "2027-01-01T00:00:00Z").outputPerMillion()).isEqualByComparingTo("15.00");
        assertThat(config.deployment("openai-gpt-4o").orElseThrow().prices()).isNull();
        assertThat(config.prices(config.deployment("openai-gpt-4o").orElseThrow())).isSameAs(config.model("gpt-4o").orElseThrow().prices());
    }

    @Test
    void a_flat_model_keeps_its_old_meaning() {
        ModelSpec mini = config.model("gpt-4o-mini").orElseThrow();
        assertThat(mini.prices().changes()).isEmpty();
        assertSameValues(mini.current(), Price.perMillion(new BigDecimal("0.15"), new BigDecimal("0.60"), new BigDecimal("0.15")));
        assertThat(mini.cost(new Usage(1000, 500, 0))).isEqualTo(new BigDecimal("0.000450000000"));
        // batch or not: no discount configured
        assertThat(price("openai-gpt-4o-mini", "2030-01-01T00:00:00Z").cost(new Usage(1000, 500, 0), true))
                .isEqualTo(new BigDecimal("0.000450000000"));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            // unordered and repeated effective_from, naming the entry
            "- { effective_from: \"2026-07-01T12:00:00Z\", output_per_million: 12.00 }|- { effective_from: 2024-01-01, output_per_million: 12.00 }"
                    + "|models.gpt-4o.prices[1].effective_from: 2024-01-01T00:00:00Z must be after the previous entry's 2024-08-06T00:00:00Z",
            "- { effective_from: \"2026-07-01T12:00:00Z\", output_per_million: 12.00 }|- { effective_from: 2024-08-06, output_per_million: 12.00 }"
                    + "|models.gpt-4o.prices[1].effective_from: 2024-08-06T00:00:00Z must be after",
            "batch_discount: 0.5|batch_discount: 1.5|models.gpt-4o.batch_discount: must be a fraction from 0 to 1",
            "batch_discount: 0.5|batch_discount: -0.1|models.gpt-4o.batch_discount: must be a fraction from 0 to 1",
            "batch_discount: 0.5|batch_discount: half|models.gpt-4o.batch_discount: must be a fraction from 0 to 1",
            "per_request_usd: 0.0001|per_request_usd: -1|models.gpt-4o.per_request_usd: must not be negative",
            "effective_from: 2024-08-06,|effective_from: next tuesday,|models.gpt-4o.prices[0].effective_from: not an ISO-8601 instant",
            "effective_from: 2024-08-06,|when: 2024-08-06,|models.gpt-4o.prices[0].when: unknown field",
            "effective_from: 2024-08-06,|when: 2024-08-06,|models.gpt-4o.prices[0].effective_from: required",
            "input_per_million: 2.20, batch_discount: 0|input_per_million: 2.20, batch_discount: 2|deployments[1].prices[0].batch_discount: must be a fraction",
            "input_per_million: 2.75|input_per_million: lots|deployments[1].input_per_million: not a number",
    })
    void price_problems_are_reported_with_their_key(String from, String to, String expected) {
        String broken = CONFIG.replace(from, to);
        assertThat(broken).isNotEqualTo(CONFIG);
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).parse(broken, "test"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void prices_must_be_a_list_of_mappings() {
        String broken = CONFIG.replace("    prices:\n      - { effective_from: 2026-01-01, input_per_million: 2.20, batch_discount: 0 }",
                "    prices: 2.20");
        assertThat(broken).isNotEqualTo(CONFIG);
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).parse(broken, "test"))
                .hasMessageContaining("deployments[1].prices: must be a list");
    }
}
