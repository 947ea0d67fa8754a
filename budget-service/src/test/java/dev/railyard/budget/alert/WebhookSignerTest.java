package dev.railyard.budget.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    @Test
    void signs_like_the_standard_webhooks_reference() {
        // The test vector of the Standard Webhooks reference libraries.
        WebhookSigner signer = new WebhookSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        String body = "{\"test\": 2432232314}";
        assertThat(signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, body.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void a_plain_secret_is_used_as_its_bytes_and_changes_the_signature() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String a = new WebhookSigner("s3cret").sign("id", 1, body);
        assertThat(a).startsWith("v1,").isNotEqualTo(new WebhookSigner("other").sign("id", 1, body));
        assertThat(a).isNotEqualTo(new WebhookSigner("s3cret").sign("id", 2, body));
    }
}
