package dev.railyard.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryScheduleTest {

    @ParameterizedTest
    @CsvSource({"1, PT5S", "2, PT5M", "3, PT30M", "4, PT2H", "5, PT5H", "6, PT10H", "7, PT10H"})
    void follows_the_standard_webhooks_schedule(int attempt, Duration wait) {
        assertThat(RetrySchedule.STANDARD.after(attempt)).isEqualTo(wait);
    }

    @Test
    void gives_up_after_eight_attempts_spanning_more_than_a_day() {
        assertThat(RetrySchedule.STANDARD.after(8)).isNull();
        assertThat(RetrySchedule.STANDARD.attempts()).isEqualTo(8);
        assertThat(RetrySchedule.STANDARD.span()).isGreaterThanOrEqualTo(Duration.ofHours(24))
                .isEqualTo(Duration.parse("PT27H35M5S"));
    }

    @Test
    void a_manual_retry_past_the_end_is_one_more_attempt() {
        RetrySchedule tiny = RetrySchedule.of(Duration.ofMillis(10));
        assertThat(tiny.after(1)).isEqualTo(Duration.ofMillis(10));
        assertThat(tiny.after(2)).isNull();
        assertThat(tiny.after(9)).isNull();
    }
}
