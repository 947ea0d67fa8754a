package dev.railyard.api.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.api.http.ApiException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatsQueryTest {

    private static StatsQuery parse(String... pairs) {
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            params.put(pairs[i], pairs[i + 1]);
        }
        return StatsQuery.parse("t1", params::get);
    }

    @Test
    void defaults_to_fifteen_minutes_in_fifteen_second_buckets() {
        StatsQuery q = parse();
        assertThat(q).isEqualTo(new StatsQuery("t1", 900, 15));
        assertThat(q.buckets()).isEqualTo(60);
    }

    @Test
    void a_window_that_is_not_a_multiple_of_the_step_is_rounded_up_to_whole_buckets() {
        assertThat(parse("window", "100", "step", "30")).isEqualTo(new StatsQuery("t1", 120, 30));
    }

    @Test
    void buckets_are_aligned_to_the_step_and_the_last_one_holds_now() {
        StatsQuery q = parse("window", "60", "step", "10");
        Instant now = Instant.parse("2025-03-01T12:00:07.500Z");
        assertThat(q.to(now)).isEqualTo(Instant.parse("2025-03-01T12:00:10Z"));
        assertThat(q.from(now)).isEqualTo(Instant.parse("2025-03-01T11:59:10Z"));
        assertThat(q.to(Instant.parse("2025-03-01T12:00:10Z"))).as("a boundary starts a new bucket")
                .isEqualTo(Instant.parse("2025-03-01T12:00:20Z"));
    }

    @ParameterizedTest(name = "{0}={1} is refused ({2})")
    @CsvSource({
            "window, 59, window",
            "window, 604801, window",
            "window, abc, window",
            "step, 0, step",
            "step, 1.5, step",
            "step, 86401, step",
    })
    void a_bad_parameter_is_a_400_naming_it(String name, String value, String param) {
        assertThatThrownBy(() -> parse(name, value)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.param()).isEqualTo(param);
        });
    }

    @Test
    void too_many_buckets_or_a_step_past_the_window_is_a_400_on_step() {
        assertThatThrownBy(() -> parse("window", "86400", "step", "1"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.param()).isEqualTo("step"));
        assertThatThrownBy(() -> parse("window", "60", "step", "120"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.param()).isEqualTo("step"));
    }
}
