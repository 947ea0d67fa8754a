package dev.railyard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PriceTest {
    /** $2.50 in, $10 out, $1.25 cached per million; $0.001 a call; half off in a batch. */
    private static final Price GPT_4O = new Price(new BigDecimal("2.50"), new BigDecimal("10.00"), new BigDecimal("1.25"),
            new BigDecimal("0.001"), new BigDecimal("0.5"));

    @ParameterizedTest(name = "{0} in + {1} out ({2} cached), batch {3} = ${4}")
    @CsvSource({
            // the fee alone for an empty usage
            "0,       0,       0,   false, 0.001000000000",
            "0,       0,       0,   true,  0.000500000000",
            // 1000 * 2.5 + 500 * 10 = 7500 micro-dollars = 0.0075, + 0.001 fee
            "1000,    500,     0,   false, 0.008500000000",
            "1000,    500,     0,   true,  0.004250000000",
            // 400 of the 1000 prompt tokens cached: 600 * 2.5 + 400 * 1.25 + 500 * 10 = 7000 micro
            "1000,    500,     400, false, 0.008000000000",
            "1000,    500,     400, true,  0.004000000000",
            // cached beyond the prompt is capped at the prompt
            "10,      0,       50,  false, 0.001012500000",
            // one token at half price: 1.25e-6 + 0.0005 exactly, no float drift
            "1,       0,       0,   true,  0.000501250000",
            "1000000, 1000000, 0,   false, 12.501000000000",
    })
    void cost_is_exact_with_the_fee_cached_tokens_and_the_batch_discount(long prompt, long completion, long cached,
                                                                        boolean inBatch, String expected) {
        assertThat(GPT_4O.cost(new Usage(prompt, completion, cached), inBatch)).isEqualTo(new BigDecimal(expected));
    }

    @Test
    void the_discount_applies_to_the_whole_call_including_the_fee() {
        Usage usage = new Usage(123, 45, 0);
        BigDecimal full = GPT_4O.cost(usage, false);
        assertThat(GPT_4O.cost(usage, true)).isEqualByComparingTo(full.multiply(new BigDecimal("0.5")));
    }

    @Test
    void rounds_once_half_even_to_twelve_places() {
        // 1 token at $0.0000005 per million = 5e-13: exactly half of the last place, rounds to even (0)
        Price tiny = Price.perMillion(new BigDecimal("0.0000005"), BigDecimal.ZERO, BigDecimal.ZERO);
        assertThat(tiny.cost(new Usage(1, 0, 0), false)).isEqualTo(new BigDecimal("0.000000000000"));
        assertThat(tiny.cost(new Usage(3, 0, 0), false)).isEqualTo(new BigDecimal("0.000000000002"));
        // a third off one token at $0.15 per million: 1.0000005e-7, rounded once to 12 places
        Price third = new Price(new BigDecimal("0.15"), BigDecimal.ZERO, new BigDecimal("0.15"), BigDecimal.ZERO,
                new BigDecimal("0.333333"));
        assertThat(third.cost(new Usage(1, 0, 0), true)).isEqualTo(new BigDecimal("0.000000100000"));
        assertThat(third.cost(new Usage(1, 0, 0), false)).isEqualTo(new BigDecimal("0.000000150000"));
    }

    @Test
    void a_flat_model_spec_costs_what_it_did_before_schedules() {
        ModelSpec mini = new ModelSpec("gpt-4o-mini", "openai", "chat", new BigDecimal("0.15"), new BigDecimal("0.60"),
                new BigDecimal("0.075"), 128_000, java.util.Set.of());
        assertThat(mini.cost(new Usage(1000, 500, 400))).isEqualTo(new BigDecimal("0.000420000000"));
        assertThat(mini.current().perRequest()).isZero();
        assertThat(mini.current().batchDiscount()).isZero();
    }

    @Test
    void a_discount_outside_zero_to_one_is_refused() {
        assertThatThrownBy(() -> new Price(BigDecimal.ONE, BigDecimal.ONE, BigDecimal.ONE, BigDecimal.ZERO, new BigDecimal("1.01")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_schedule_prices_each_instant_at_the_change_in_effect_then() {
        Price old = Price.perMillion(new BigDecimal("5"), new BigDecimal("15"), new BigDecimal("5"));
        Price cut = Price.perMillion(new BigDecimal("2.50"), new BigDecimal("10"), new BigDecimal("1.25"));
        Price rise = Price.perMillion(new BigDecimal("3"), new BigDecimal("9"), new BigDecimal("1.5"));
        Instant t1 = Instant.parse("2024-08-06T00:00:00Z");
        Instant t2 = Instant.parse("2026-01-01T00:00:00Z");
        PriceSchedule schedule = new PriceSchedule(old, List.of(new PriceSchedule.Change(t1, cut), new PriceSchedule.Change(t2, rise)));

        assertThat(schedule.at(Instant.MIN)).isEqualTo(old);
        assertThat(schedule.at(t1.minusNanos(1))).isEqualTo(old);
        assertThat(schedule.at(t1)).isEqualTo(cut); // effective from the instant itself
        assertThat(schedule.at(t2.minusSeconds(1))).isEqualTo(cut);
        assertThat(schedule.at(t2.plusSeconds(86_400 * 400))).isEqualTo(rise);
        // The ceiling from a time before the rise covers the rise: each component at its highest still to come.
        assertThat(schedule.ceilingFrom(t1)).isEqualTo(Price.perMillion(new BigDecimal("3"), new BigDecimal("10"), new BigDecimal("1.5")));
        assertThat(schedule.ceilingFrom(t2)).isEqualTo(rise); // nothing later: the price in effect
        assertThat(schedule.ceilingFrom(Instant.MIN)).isEqualTo(Price.perMillion(new BigDecimal("5"), new BigDecimal("15"), new BigDecimal("5")));
    }

    @Test
    void the_ceiling_keeps_the_smallest_discount_and_the_largest_fee() {
        Price a = new Price(BigDecimal.ONE, BigDecimal.ONE, BigDecimal.ONE, new BigDecimal("0.01"), new BigDecimal("0.5"));
        Price b = new Price(BigDecimal.ONE, BigDecimal.ONE, BigDecimal.ONE, new BigDecimal("0.02"), new BigDecimal("0.25"));
        assertThat(a.atLeast(b)).isEqualTo(new Price(BigDecimal.ONE, BigDecimal.ONE, BigDecimal.ONE, new BigDecimal("0.02"),
                new BigDecimal("0.25")));
    }

    @Test
    void changes_out_of_order_are_refused() {
        Instant t = Instant.parse("2025-01-01T00:00:00Z");
        assertThatThrownBy(() -> new PriceSchedule(Price.FREE, List.of(new PriceSchedule.Change(t, Price.FREE),
                new PriceSchedule.Change(t, Price.FREE)))).isInstanceOf(IllegalArgumentException.class);
    }
}
