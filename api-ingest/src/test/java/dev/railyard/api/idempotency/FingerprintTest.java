package dev.railyard.api.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class FingerprintTest {

    @Test
    void the_same_request_has_the_same_fingerprint_and_any_difference_changes_it() {
        byte[] one = IdempotentPosts.fingerprint("POST", "/v1/jobs", Buffer.buffer("{\"a\":1}"));

        assertThat(IdempotentPosts.fingerprint("POST", "/v1/jobs", Buffer.buffer("{\"a\":1}"))).isEqualTo(one);
        assertThat(IdempotentPosts.fingerprint("POST", "/v1/jobs", Buffer.buffer("{\"a\":2}"))).isNotEqualTo(one);
        assertThat(IdempotentPosts.fingerprint("POST", "/v1/batches", Buffer.buffer("{\"a\":1}"))).isNotEqualTo(one);
        assertThat(IdempotentPosts.fingerprint("POST", "/v1/jobs?x=1", Buffer.buffer("{\"a\":1}"))).isNotEqualTo(one);
        assertThat(IdempotentPosts.fingerprint("POST", "/v1/jobs", null)).as("body not compared").isNotEqualTo(one);
    }

    @Test
    void a_body_larger_than_one_chunk_is_hashed_whole() {
        String big = "x".repeat(200_000);
        byte[] whole = IdempotentPosts.fingerprint("POST", "/v1/batches", Buffer.buffer(big));

        assertThat(IdempotentPosts.fingerprint("POST", "/v1/batches", Buffer.buffer(big.substring(1) + "y"))).isNotEqualTo(whole);
        assertThat(IdempotentPosts.fingerprint("POST", "/v1/batches", Buffer.buffer(big))).isEqualTo(whole);
    }
}
