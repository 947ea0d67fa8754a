package dev.railyard.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KeySecretsTest {
    private final KeySecrets secrets = new KeySecrets();

    @Test
    void secrets_are_ry_and_256_random_bits_in_base64url_and_do_not_repeat() {
        String secret = secrets.newSecret();

        assertThat(secret).matches("ry-[A-Za-z0-9_-]{43}");
        assertThat(KeySecrets.wellFormed(secret)).isTrue();
        assertThat(IntStream.range(0, 1000).mapToObj(i -> secrets.newSecret()).distinct().count()).isEqualTo(1000);
        assertThat(secrets.newId()).matches("key_[A-Za-z0-9_-]{24}");
        assertThat(KeySecrets.shown(secret)).hasSize(10).isEqualTo(secret.substring(0, 10));
    }

    @Test
    void only_the_secret_shape_is_worth_a_lookup() {
        assertThat(KeySecrets.wellFormed(null)).isFalse();
        assertThat(KeySecrets.wellFormed("sk-placeholder")).isFalse();
        assertThat(KeySecrets.wellFormed("ry-" + "a".repeat(42))).isFalse();
        assertThat(KeySecrets.wellFormed("ry-" + "a".repeat(43) + "\n")).isFalse();
    }

    @Test
    void the_hash_is_sha_256_of_the_secret() {
        assertThat(HexFormat.of().formatHex(KeySecrets.hash("abc")))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(KeySecrets.sameHash(KeySecrets.hash("abc"), KeySecrets.hash("abc"))).isTrue();
        assertThat(KeySecrets.sameHash(KeySecrets.hash("abc"), KeySecrets.hash("abd"))).isFalse();
    }
}
