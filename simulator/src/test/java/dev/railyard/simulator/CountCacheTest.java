package dev.railyard.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CountCacheTest {
    private final AtomicInteger counted = new AtomicInteger();

    private int length(String text) {
        counted.incrementAndGet();
        return text.length();
    }

    @Test
    void the_same_text_is_counted_once() {
        CountCache cache = new CountCache(10, 1_000);

        for (int i = 0; i < 5; i++) {
            assertThat(cache.count("You are a helpful assistant.", this::length)).isEqualTo(28);
        }

        assertThat(counted).hasValue(1);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void equal_texts_from_different_requests_share_an_entry() {
        CountCache cache = new CountCache(10, 1_000);

        cache.count(new String("shared system prompt"), this::length);
        cache.count(new StringBuilder("shared ").append("system prompt").toString(), this::length);

        assertThat(counted).hasValue(1);
    }

    @Test
    void never_holds_more_than_its_entries() {
        CountCache cache = new CountCache(100, 1_000_000);

        for (int i = 0; i < 10_000; i++) {
            assertThat(cache.count("text " + i, this::length)).isEqualTo(("text " + i).length());
            assertThat(cache.size()).isLessThanOrEqualTo(100);
        }
        assertThat(counted).hasValue(10_000);
    }

    @Test
    void never_holds_more_than_its_characters() {
        CountCache cache = new CountCache(1_000, 100);

        for (int i = 0; i < 1_000; i++) {
            cache.count("0123456789-" + i, this::length);
            assertThat(cache.chars()).isLessThanOrEqualTo(100);
        }
    }

    @Test
    void a_text_longer_than_the_cache_is_counted_every_time_and_not_kept() {
        CountCache cache = new CountCache(10, 5);

        assertThat(cache.count("longer than five", this::length)).isEqualTo(16);
        assertThat(cache.count("longer than five", this::length)).isEqualTo(16);

        assertThat(counted).hasValue(2);
        assertThat(cache.size()).isZero();
    }

    @Test
    void a_text_in_use_is_counted_again_after_the_cache_starts_over() {
        CountCache cache = new CountCache(3, 1_000);
        cache.count("system", this::length);
        for (int i = 0; i < 3; i++) {
            cache.count("user " + i, this::length);
        }

        assertThat(cache.count("system", this::length)).isEqualTo(6);

        assertThat(counted).hasValue(5);
    }

    @Test
    void needs_room_for_an_entry() {
        assertThatThrownBy(() -> new CountCache(0, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
