package dev.railyard.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelSpecTest {
    private static final ModelSpec GPT_4O_MINI = new ModelSpec("gpt-4o-mini", "openai", "chat",
            new BigDecimal("0.15"), new BigDecimal("0.60"), new BigDecimal("0.075"), 128_000, Set.of());

    @ParameterizedTest(name = "{0} in + {1} out ({2} cached) = ${3}")
    @CsvSource({
            "0, 0, 0, 0.000000000000",
            "1, 0, 0, 0.000000150000",
            "0, 1, 0, 0.000000600000",
            "1000000, 1000000, 0, 0.750000000000",
            "1000, 500, 0, 0.000450000000",
            "1000, 500, 400, 0.000420000000",
            // cached tokens beyond the prompt are capped at the prompt
            "10, 0, 50, 0.000000750000",
            "7, 3, 0, 0.000002850000",
    })
    void cost_is_exact_per_token_arithmetic(long prompt, long completion, long cached, String expected) {
        assertThat(GPT_4O_MINI.cost(new Usage(prompt, completion, cached))).isEqualTo(new BigDecimal(expected));
    }

    @ParameterizedTest
    @CsvSource({"1, 3", "3, 1", "333333, 777777"})
    void cost_of_a_sum_is_the_sum_of_costs(long a, long b) {
        BigDecimal separate = GPT_4O_MINI.cost(new Usage(a, b, 0)).add(GPT_4O_MINI.cost(new Usage(b, a, 0)));
        assertThat(GPT_4O_MINI.cost(new Usage(a + b, a + b, 0))).isEqualByComparingTo(separate);
    }
}
