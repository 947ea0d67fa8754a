package dev.railyard.provider.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuotaHeadersTest {
    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({"20ms, 20", "1s, 1000", "6m0s, 360000", "1h2m3.5s, 3723500", "0.5s, 500", "7.66s, 7660"})
    void go_durations_as_openai_writes_them(String text, long millis) {
        assertThat(QuotaHeaders.goDuration(text)).contains(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @CsvSource({"soon", "5", "1x", "''"})
    void unreadable_durations_are_none(String text) {
        assertThat(QuotaHeaders.goDuration(text)).isEmpty();
    }

    @Test
    void openai_exhausted_requests_or_tokens_pause_until_the_later_reset() {
        Map<String, String> h = Map.of("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "2s",
                "x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "6m0s");
        assertThat(QuotaHeaders.openAi(h::get)).contains(Duration.ofMinutes(6));
        Map<String, String> left = Map.of("x-ratelimit-remaining-requests", "12", "x-ratelimit-reset-requests", "2s");
        assertThat(QuotaHeaders.openAi(left::get)).isEmpty();
        assertThat(QuotaHeaders.openAi(k -> null)).isEmpty();
    }

    @Test
    void anthropic_exhausted_quota_pauses_until_its_reset_time() {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");
        Map<String, String> h = Map.of("anthropic-ratelimit-requests-remaining", "0",
                "anthropic-ratelimit-requests-reset", "2026-11-22T10:00:42Z",
                "anthropic-ratelimit-tokens-remaining", "9000");
        assertThat(QuotaHeaders.anthropic(h::get, now)).contains(Duration.ofSeconds(42));
        assertThat(QuotaHeaders.anthropic(Map.of("anthropic-ratelimit-requests-remaining", "3")::get, now)).isEmpty();
    }
}
