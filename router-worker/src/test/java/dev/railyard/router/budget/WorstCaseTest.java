package dev.railyard.router.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.config.ModelSpec;
import java.math.BigDecimal;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorstCaseTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ModelSpec model(String input) {
        return new ModelSpec("m", "openai", "chat", new BigDecimal(input), BigDecimal.ONE, new BigDecimal(input), 8192, Set.of());
    }

    @ParameterizedTest(name = "{0} -> {1} framing tokens")
    @CsvSource(delimiter = '|', value = {
            // 3 priming + per message 3 + role bytes (+1 + name bytes)
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | 10",
            "{\"messages\":[{\"role\":\"system\",\"content\":\"x\"},{\"role\":\"user\",\"content\":\"y\",\"name\":\"bob\"}]} | 23",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[{\"type\":\"function\"}]} | 31",
            "{\"input\":\"embed me\"} | 0",
    })
    void framing_is_bounded_by_its_bytes(String body, long tokens) throws Exception {
        assertThat(WorstCase.framingTokens(JSON.readTree(body))).isEqualTo(tokens);
    }

    @ParameterizedTest(name = "estimate {0} at input ${1}/M -> {2}")
    @CsvSource({
            "0.001,          80, 0.001800000001", // 10 framing tokens at $80/M, plus one unit for the estimate's rounding
            "0.000000000001, 0.15, 0.000001500002",
            "0,              0,  0",              // a free model stays free
    })
    void the_reservation_adds_the_framing_at_the_input_price(String estimate, String inputPrice, String reserved) throws Exception {
        BigDecimal amount = WorstCase.cost(new BigDecimal(estimate), JSON.readTree("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                model(inputPrice));
        assertThat(amount).isEqualByComparingTo(reserved);
    }
}
