package dev.railyard.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimitsTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());

    @Test
    void the_request_after_the_limit_is_refused_with_nothing_remaining() {
        RateLimits limits = new RateLimits(3, 0, clock);
        for (int i = 2; i >= 0; i--) {
            RateLimits.Verdict v = limits.admit("k", 10);
            assertThat(v.allowed()).isTrue();
            assertThat(v.requestsRemaining()).isEqualTo(i);
        }
        RateLimits.Verdict refused = limits.admit("k", 10);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.exceeded()).isEqualTo("requests");
        assertThat(refused.requestsRemaining()).isZero();
        assertThat(refused.resetMs()).isEqualTo(60_000);
    }

    @Test
    void keys_are_limited_separately() {
        RateLimits limits = new RateLimits(1, 0, clock);
        assertThat(limits.admit("a", 1).allowed()).isTrue();
        assertThat(limits.admit("b", 1).allowed()).isTrue();
        assertThat(limits.admit("a", 1).allowed()).isFalse();
    }

    @Test
    void a_new_window_starts_sixty_seconds_after_the_first_request() {
        RateLimits limits = new RateLimits(1, 0, clock);
        limits.admit("k", 1);
        now.addAndGet(59_999);
        RateLimits.Verdict late = limits.admit("k", 1);
        assertThat(late.allowed()).isFalse();
        assertThat(late.resetMs()).isEqualTo(1);
        assertThat(late.retryAfterSeconds()).isEqualTo(1);
        now.addAndGet(1);
        assertThat(limits.admit("k", 1).allowed()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"100, 60, 40, true, 0", "100, 60, 41, false, 40", "100, 100, 1, false, 0"})
    void tokens_per_minute_count_prompt_tokens(long tpm, int first, int second, boolean allowed, long remaining) {
        RateLimits limits = new RateLimits(0, tpm, clock);
        assertThat(limits.admit("k", first).allowed()).isTrue();
        RateLimits.Verdict v = limits.admit("k", second);
        assertThat(v.allowed()).isEqualTo(allowed);
        assertThat(v.tokensRemaining()).isEqualTo(remaining);
        assertThat(v.exceeded()).isEqualTo(allowed ? null : "tokens");
    }

    @Test
    void zero_limits_never_refuse() {
        RateLimits limits = new RateLimits(0, 0, clock);
        for (int i = 0; i < 1000; i++) {
            assertThat(limits.admit("k", 1_000_000)).isSameAs(RateLimits.Verdict.UNLIMITED);
        }
    }
}
