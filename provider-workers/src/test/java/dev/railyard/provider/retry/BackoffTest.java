package dev.railyard.provider.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {
    private static final Duration BASE = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(5);

    @ParameterizedTest(name = "attempt {0}, random {1}, retry-after {2} ms -> {3} ms")
    @CsvSource(nullValues = "none", value = {
        // exponential ceiling: 100, 200, 400, 800 ... capped at 5000; full jitter scales it
        "1, 0.999, none, 99",
        "1, 0.5,   none, 50",
        "2, 0.5,   none, 100",
        "3, 0.5,   none, 200",
        "4, 1.0,   none, 800",
        "6, 1.0,   none, 3200",
        "7, 1.0,   none, 5000",
        "7, 0.5,   none, 2500",
        "60, 1.0,  none, 5000",
        "5000, 0.5, none, 2500",
        "3, 0.0,   none, 0",
        // Retry-After is a floor...
        "1, 0.0,   1500, 1500",
        "1, 0.5,   20,   50",
        "4, 1.0,   300,  800",
        // ...capped at the maximum delay
        "1, 0.0,   60000, 5000",
        "2, 0.0,   0,    0"})
    void full_jitter_exponential_with_retry_after_floor(int attempt, double random, Long retryAfterMs, long expectedMs) {
        Duration retryAfter = retryAfterMs == null ? null : Duration.ofMillis(retryAfterMs);

        assertThat(Backoff.delay(attempt, BASE, MAX, retryAfter, () -> random)).isEqualTo(Duration.ofMillis(expectedMs));
    }

    @Test
    void delays_never_exceed_the_maximum_whatever_the_attempt() {
        for (int attempt = 1; attempt < 200; attempt++) {
            assertThat(Backoff.delay(attempt, Duration.ofMillis(250), Duration.ofSeconds(30), null, () -> 0.9999))
                    .isLessThanOrEqualTo(Duration.ofSeconds(30));
        }
    }

    @Test
    void attempts_count_from_one() {
        assertThatThrownBy(() -> Backoff.delay(0, BASE, MAX, null, () -> 0.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
