package dev.railyard.budget.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AlertRetryTest {

    @Test
    void waits_double_each_time_up_to_the_longest_and_gives_up_after_the_last_attempt() {
        AlertRetry retry = new AlertRetry(Duration.ofSeconds(5), Duration.ofSeconds(30), 5);
        assertThat(retry.after(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(retry.after(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(retry.after(3)).isEqualTo(Duration.ofSeconds(20));
        assertThat(retry.after(4)).isEqualTo(Duration.ofSeconds(30));
        assertThat(retry.after(5)).isNull();
        assertThat(AlertRetry.DEFAULT.after(9)).isEqualTo(Duration.ofSeconds(5 * 256));
        assertThat(new AlertRetry(Duration.ofSeconds(5), Duration.ofHours(1), 100).after(60)).isEqualTo(Duration.ofHours(1));
        assertThat(AlertRetry.DEFAULT.after(10)).isNull();
    }
}
