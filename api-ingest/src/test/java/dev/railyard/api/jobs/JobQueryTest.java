package dev.railyard.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.api.http.ApiException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobQueryTest {

    private static JobQuery parse(String... pairs) {
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            params.put(pairs[i], pairs[i + 1]);
        }
        return JobQuery.parse("t1", params::get);
    }

    @Test
    void no_parameters_is_the_first_page_of_every_job_of_the_tenant() {
        assertThat(parse()).isEqualTo(new JobQuery("t1", null, null, null, null, JobQuery.DEFAULT_LIMIT));
    }

    @Test
    void filters_and_cursor_are_read_and_blank_ones_ignored() {
        assertThat(parse("status", "failed", "batch_id", " batch_1 ", "model", "gpt-4o-mini", "after", "job_9", "limit", "100"))
                .isEqualTo(new JobQuery("t1", "failed", "batch_1", "gpt-4o-mini", "job_9", 100));
        assertThat(parse("status", "", "model", "  ")).isEqualTo(parse());
    }

    @Test
    void every_job_state_is_a_status_filter() {
        assertThat(JobQuery.states()).containsExactly("queued", "succeeded", "failed", "rejected", "cancelled", "expired");
    }

    @ParameterizedTest(name = "{0}={1} is refused")
    @CsvSource({"status, done", "status, FAILED", "limit, 0", "limit, 101", "limit, ten", "limit, -1"})
    void a_bad_parameter_is_a_400_naming_it(String name, String value) {
        assertThatThrownBy(() -> parse(name, value)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("invalid_value");
            assertThat(e.param()).isEqualTo(name);
            assertThat(e.getMessage()).contains(value);
        });
    }

    @Test
    void an_overlong_filter_is_refused() {
        assertThatThrownBy(() -> parse("batch_id", "b".repeat(201)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.param()).isEqualTo("batch_id"));
    }
}
