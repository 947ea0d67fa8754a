package dev.railyard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.ProviderConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BedrockSignerTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);

    private static ProviderConfig bedrock(Map<String, String> options) {
        return new ProviderConfig("bedrock", "bedrock", "https://bedrock-runtime.eu-west-1.amazonaws.com", "", false, false,
                Duration.ofSeconds(30), 4, options);
    }

    private static Map<String, List<String>> sign(ProviderConfig provider, String body) {
        return new BedrockSigner(provider, CLOCK).sign("https://bedrock-runtime.eu-west-1.amazonaws.com/model/amazon.titan-embed-text-v2%3A0/invoke",
                Map.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void signs_with_sigv4_for_the_bedrock_service_in_the_configured_region() {
        Map<String, List<String>> headers = sign(bedrock(Map.of("access_key_id", "AKIDEXAMPLE",
                "secret_access_key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "region", "eu-west-1")), "{\"inputText\":\"hi\"}");

        assertThat(headers.get("X-Amz-Date")).containsExactly("20250601T120000Z");
        String authorization = headers.get("Authorization").get(0);
        assertThat(authorization).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250601/eu-west-1/bedrock/aws4_request, SignedHeaders=");
        assertThat(authorization).contains("content-type").contains("host").contains("x-amz-date").containsPattern("Signature=[0-9a-f]{64}$");
        assertThat(authorization).doesNotContain("wJalrXUtnFEMI");
    }

    @Test
    void the_signature_covers_the_body() {
        ProviderConfig provider = bedrock(Map.of("access_key_id", "AKIDEXAMPLE", "secret_access_key", "secret", "region", "eu-west-1"));

        assertThat(sign(provider, "{\"inputText\":\"a\"}").get("Authorization"))
                .isNotEqualTo(sign(provider, "{\"inputText\":\"b\"}").get("Authorization"));
        assertThat(sign(provider, "{\"inputText\":\"a\"}").get("Authorization"))
                .isEqualTo(sign(provider, "{\"inputText\":\"a\"}").get("Authorization"));
    }

    @Test
    void a_session_token_is_sent_and_signed() {
        Map<String, List<String>> headers = sign(bedrock(Map.of("access_key_id", "ASIAEXAMPLE", "secret_access_key", "secret",
                "session_token", "FwoGZXIvYXdzEXAMPLE", "region", "eu-west-1")), "{}");

        assertThat(headers.get("X-Amz-Security-Token")).containsExactly("FwoGZXIvYXdzEXAMPLE");
        assertThat(headers.get("Authorization").get(0)).contains("x-amz-security-token");
    }
}
