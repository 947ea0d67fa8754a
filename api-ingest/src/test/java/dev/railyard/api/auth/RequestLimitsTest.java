package dev.railyard.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestLimitsTest {
    private final AtomicLong nanos = new AtomicLong();
    private final TimeMeter time = new TimeMeter() {
        @Override
        public long currentTimeNanos() {
            return nanos.get();
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    };

    @Test
    void allows_the_minute_allowance_then_refuses_until_a_request_has_refilled() {
        RequestLimits limits = new RequestLimits(600, time);

        assertThat(limits.take("key_a", 3)).satisfies(l -> {
            assertThat(l.allowed()).isTrue();
            assertThat(l.limit()).isEqualTo(3);
            assertThat(l.remaining()).isEqualTo(2);
            assertThat(l.reset()).isEqualTo(Duration.ofSeconds(20));
        });
        assertThat(limits.take("key_a", 3).remaining()).isEqualTo(1);
        assertThat(limits.take("key_a", 3).remaining()).isZero();
        RequestLimit refused = limits.take("key_a", 3);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(20));
        assertThat(refused.retryAfterSeconds()).isEqualTo(20);
        assertThat(refused.reset()).isEqualTo(Duration.ofMinutes(1));

        nanos.addAndGet(Duration.ofSeconds(20).toNanos());
        assertThat(limits.take("key_a", 3).allowed()).isTrue();
        assertThat(limits.take("key_b", 3).remaining()).as("each key has its own bucket").isEqualTo(2);
    }

    @Test
    void a_key_without_its_own_limit_gets_the_default_and_a_changed_limit_starts_afresh() {
        RequestLimits limits = new RequestLimits(2, time);
        assertThat(limits.take("key_a", null).limit()).isEqualTo(2);
        assertThat(limits.take("key_a", null).allowed()).isTrue();
        assertThat(limits.take("key_a", null).allowed()).isFalse();

        assertThat(limits.take("key_a", 10).remaining()).isEqualTo(9);
        limits.forget("key_a");
        assertThat(limits.take("key_a", 10).remaining()).isEqualTo(9);
    }

    @Test
    void retry_after_is_whole_seconds_rounded_up_and_at_least_one() {
        assertThat(new RequestLimit(false, 1, 0, Duration.ZERO, Duration.ofMillis(1)).retryAfterSeconds()).isEqualTo(1);
        assertThat(new RequestLimit(false, 1, 0, Duration.ZERO, Duration.ofMillis(1001)).retryAfterSeconds()).isEqualTo(2);
        assertThat(new RequestLimit(false, 1, 0, Duration.ZERO, Duration.ZERO).retryAfterSeconds()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0} ms -> {1}")
    @CsvSource({"0, 0ms", "20, 20ms", "999, 999ms", "1000, 1s", "1500, 1.5s", "17001, 17.001s", "60000, 1m0s", "360000, 6m0s",
            "61500, 1m1.5s"})
    void reset_is_written_like_openai_writes_it(long millis, String written) {
        assertThat(RequestLimit.duration(Duration.ofMillis(millis))).isEqualTo(written);
    }
}
