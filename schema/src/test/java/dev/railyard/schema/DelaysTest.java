package dev.railyard.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DelaysTest {
    @ParameterizedTest(name = "{0} ms waits in {1}")
    @CsvSource({
            "1000, ''",
            "4999, ''",
            "5000, railyard.delay.5s",
            "29000, railyard.delay.5s",
            "30000, railyard.delay.30s",
            "299000, railyard.delay.30s",
            "300000, railyard.delay.5m",
            "3600000, railyard.delay.5m",
    })
    void a_wait_goes_to_the_longest_tier_it_covers(long millis, String topic) {
        assertThat(Delays.tierFor(Duration.ofMillis(millis)).map(Delays::topic).orElse("")).isEqualTo(topic);
    }

    @ParameterizedTest
    @CsvSource({"railyard.delay.5s, 5", "railyard.delay.30s, 30", "railyard.delay.5m, 300"})
    void a_topic_names_its_tier(String topic, long seconds) {
        assertThat(Delays.tierOf(topic)).contains(Duration.ofSeconds(seconds));
        assertThat(Delays.topics()).contains(topic);
    }
}
