package dev.railyard.router.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.config.ModelSpec;
import dev.railyard.config.Price;
import dev.railyard.config.PriceSchedule;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The worst case stays an upper bound of the bill with fees, batch discounts and scheduled price changes. */
class WorstCasePricingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Price NOW = new Price(new BigDecimal("2.50"), new BigDecimal("10"), new BigDecimal("1.25"),
            new BigDecimal("0.001"), new BigDecimal("0.5"));
    private static final Price LATER = new Price(new BigDecimal("4"), new BigDecimal("8"), new BigDecimal("2"),
            new BigDecimal("0.001"), new BigDecimal("0.25"));
    private static final PriceSchedule SCHEDULE = new PriceSchedule(NOW,
            List.of(new PriceSchedule.Change(Instant.parse("2030-01-01T00:00:00Z"), LATER)));

    @Test
    void the_reservation_covers_the_framing_at_the_ceiling_whichever_price_bills_the_call() throws Exception {
        JsonNode body = JSON.readTree("{\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"hi\"}]}");
        long text = 3;
        long output = 50;
        long framing = WorstCase.framingTokens(body);
        Price ceiling = SCHEDULE.ceilingFrom(Instant.parse("2029-12-31T23:59:59Z"));
        for (boolean inBatch : new boolean[] {false, true}) {
            BigDecimal estimate = ceiling.cost(new Usage(text, output, 0), inBatch);

            BigDecimal reserved = WorstCase.cost(estimate, body, ceiling);

            // the call may start on either side of the change, and its prompt holds the framing too
            for (Price billed : List.of(NOW, LATER)) {
                assertThat(reserved).as("batch " + inBatch + " billed at " + billed)
                        .isGreaterThanOrEqualTo(billed.cost(new Usage(text + framing, output, 0), inBatch));
            }
        }
    }

    @Test
    void at_catalog_prices_the_framing_uses_the_highest_input_price_the_model_ever_has() throws Exception {
        ModelSpec model = new ModelSpec("m", "o", "chat", SCHEDULE, 8192, Set.of());
        JsonNode body = JSON.readTree("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(WorstCase.cost(BigDecimal.ZERO, body, model)).isEqualTo(WorstCase.cost(BigDecimal.ZERO, body, LATER));
    }
}
