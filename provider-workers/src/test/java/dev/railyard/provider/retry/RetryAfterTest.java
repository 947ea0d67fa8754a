package dev.railyard.provider.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    @ParameterizedTest(name = "retry-after-ms={0}, retry-after={1} -> {2} ms")
    @CsvSource(nullValues = "none", delimiter = '|', value = {
        "1500 | 2 | 1500",
        "20 | 1 | 20",
        "none | 2 | 2000",
        "none | 0.5 | 500",
        "none | Sun, 01 Jun 2025 12:00:30 GMT | 30000",
        "none | Sun, 01 Jun 2025 11:59:00 GMT | 0",
        "none | soon | none",
        "none | -3 | none",
        "abc | 3 | 3000",
        "none | none | none",
        "12.5 | none | 13"})
    void prefers_retry_after_ms_then_seconds_then_an_http_date(String ms, String header, Long expectedMs) {
        Map<String, String> headers = new HashMap<>();
        if (ms != null) {
            headers.put("retry-after-ms", ms);
        }
        if (header != null) {
            headers.put("retry-after", header);
        }

        Duration parsed = RetryAfter.parse(headers::get, NOW);

        assertThat(parsed).isEqualTo(expectedMs == null ? null : Duration.ofMillis(expectedMs));
    }
}
