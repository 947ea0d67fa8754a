package dev.railyard.schema.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {
    private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

    @Test
    void signs_like_the_standard_webhooks_reference() {
        // The test vector of the Standard Webhooks reference libraries.
        WebhookSigner signer = new WebhookSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertThat(signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, BODY))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void a_plain_secret_is_used_as_its_bytes_and_changes_the_signature() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String a = new WebhookSigner("s3cret").sign("id", 1, body);
        assertThat(a).startsWith("v1,").isNotEqualTo(new WebhookSigner("other").sign("id", 1, body));
        assertThat(a).isNotEqualTo(new WebhookSigner("s3cret").sign("id", 2, body));
    }

    @Test
    void verifies_its_own_signature_among_several_and_refuses_a_changed_message() {
        WebhookSigner signer = new WebhookSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        String header = "v1,bm90IHRoaXMgb25l " + signer.sign("msg_1", 1614265330L, BODY);

        assertThat(signer.verify("msg_1", 1614265330L, BODY, header)).isTrue();
        assertThat(signer.verify("msg_2", 1614265330L, BODY, header)).isFalse();
        assertThat(signer.verify("msg_1", 1614265331L, BODY, header)).isFalse();
        assertThat(signer.verify("msg_1", 1614265330L, "{}".getBytes(StandardCharsets.UTF_8), header)).isFalse();
        assertThat(signer.verify("msg_1", 1614265330L, BODY, "v2," + header.substring(header.indexOf(' ') + 4))).isFalse();
        assertThat(signer.verify("msg_1", 1614265330L, BODY, null)).isFalse();
    }

    @Test
    void new_secrets_carry_32_random_bytes_in_the_whsec_form() {
        SecureRandom random = new SecureRandom();
        String a = WebhookSigner.newSecret(random);
        assertThat(a).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(a.substring(6))).hasSize(32);
        assertThat(WebhookSigner.newSecret(random)).isNotEqualTo(a);
    }
}
