package dev.railyard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiSettingsTest {

    @Test
    void defaults_bind_loopback_8080_with_a_200_mb_body_limit() {
        assertThat(ApiSettings.defaults()).isEqualTo(new ApiSettings("127.0.0.1", 8080, 200L * 1024 * 1024));
    }

    @ParameterizedTest(name = "host={0} port={1} max={2}")
    @CsvSource({"' ', 8080, 1", "127.0.0.1, -1, 1", "127.0.0.1, 70000, 1", "127.0.0.1, 8080, 0"})
    void rejects_settings_that_cannot_work(String host, int port, long maxBodyBytes) {
        assertThatThrownBy(() -> new ApiSettings(host, port, maxBodyBytes)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keys_are_optional_until_one_exists_and_600_requests_a_minute_by_default_unless_the_environment_says_otherwise() {
        ApiSettings defaults = ApiSettings.defaults();
        assertThat(defaults.authRequired()).isFalse();
        assertThat(defaults.requestsPerMinute()).isEqualTo(600);
        assertThat(defaults.withAuthFrom(java.util.Map.of())).isEqualTo(defaults);

        ApiSettings set = defaults.withAuthFrom(java.util.Map.of("RAILYARD_AUTH_REQUIRED", "TRUE", "RAILYARD_API_REQUESTS_PER_MINUTE", " 60 "));
        assertThat(set.authRequired()).isTrue();
        assertThat(set.requestsPerMinute()).isEqualTo(60);
        assertThat(set.withSyncWait(java.time.Duration.ofSeconds(5)).authRequired()).as("kept by the other withers").isTrue();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"RAILYARD_AUTH_REQUIRED, yes", "RAILYARD_API_REQUESTS_PER_MINUTE, 0", "RAILYARD_API_REQUESTS_PER_MINUTE, many"})
    void a_bad_auth_setting_names_its_variable(String variable, String value) {
        assertThatThrownBy(() -> ApiSettings.defaults().withAuthFrom(java.util.Map.of(variable, value)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(variable);
    }

    @Test
    void ids_carry_their_prefix_and_24_url_safe_characters_and_do_not_repeat() {
        Ids ids = new Ids();
        assertThat(ids.jobId()).matches("job_[A-Za-z0-9_-]{24}");
        assertThat(ids.batchId()).matches("batch_[A-Za-z0-9_-]{24}");
        assertThat(java.util.stream.IntStream.range(0, 10_000).mapToObj(i -> ids.jobId()).distinct().count()).isEqualTo(10_000);
    }
}
