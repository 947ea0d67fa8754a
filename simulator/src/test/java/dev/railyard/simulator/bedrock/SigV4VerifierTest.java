package dev.railyard.simulator.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SigV4VerifierTest {
    private static final String AKID = "AKIDRAILYARDSIMULATOR";
    private static final String SECRET = "railyard-simulator-secret-access-key";
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final String PATH = "/model/amazon.nova-lite-v1%3A0/converse";
    private static final byte[] BODY = "{\"messages\":[]}".getBytes(StandardCharsets.UTF_8);

    private final SigV4Verifier verifier = new SigV4Verifier(Map.of(AKID, SECRET), () -> NOW);

    private static Map<String, String> received(Map<String, String> signed) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(signed);
        headers.put("Host", "127.0.0.1:8090");
        headers.put("User-Agent", "unsigned/1.0"); // headers outside SignedHeaders do not matter
        return headers;
    }

    private static Map<String, String> signed(String akid, String secret, Instant at) {
        return received(Signing.headers(URI.create("http://127.0.0.1:8090" + PATH), BODY, akid, secret, "us-east-1", at));
    }

    private SigV4Verifier.Result verify(Map<String, String> headers, String path, byte[] body) {
        return verifier.verify("POST", path, null, headers::get, body);
    }

    @Test
    void a_request_signed_by_the_sdk_signer_verifies() {
        assertThat(verify(signed(AKID, SECRET, NOW), PATH, BODY)).isEqualTo(new SigV4Verifier.Verified(AKID));
    }

    @Test
    void a_tampered_body_fails_with_invalid_signature() {
        byte[] tampered = "{\"messages\":[1]}".getBytes(StandardCharsets.UTF_8);
        assertThat(verify(signed(AKID, SECRET, NOW), PATH, tampered))
                .isInstanceOfSatisfying(SigV4Verifier.Denied.class, d -> {
                    assertThat(d.status()).isEqualTo(403);
                    assertThat(d.errorType()).isEqualTo("InvalidSignatureException");
                    assertThat(d.message()).startsWith("The request signature we calculated does not match the signature you provided");
                });
    }

    @Test
    void a_different_path_fails_with_invalid_signature() {
        assertThat(verify(signed(AKID, SECRET, NOW), "/model/amazon.nova-pro-v1%3A0/converse", BODY))
                .isInstanceOfSatisfying(SigV4Verifier.Denied.class, d -> assertThat(d.errorType()).isEqualTo("InvalidSignatureException"));
    }

    @Test
    void a_tampered_signed_header_fails_with_invalid_signature() {
        Map<String, String> headers = signed(AKID, SECRET, NOW);
        headers.put("Content-Type", "text/plain");
        assertThat(verify(headers, PATH, BODY))
                .isInstanceOfSatisfying(SigV4Verifier.Denied.class, d -> assertThat(d.errorType()).isEqualTo("InvalidSignatureException"));
    }

    @ParameterizedTest
    @CsvSource({
        "AKIDRAILYARDSIMULATOR, wrong-secret, 0, 403, InvalidSignatureException",
        "AKIDUNKNOWN, railyard-simulator-secret-access-key, 0, 403, UnrecognizedClientException",
        "AKIDRAILYARDSIMULATOR, railyard-simulator-secret-access-key, -600, 403, InvalidSignatureException",
        "AKIDRAILYARDSIMULATOR, railyard-simulator-secret-access-key, 600, 403, InvalidSignatureException"})
    void wrong_keys_and_stale_signatures_are_denied(String akid, String secret, long offsetSeconds, int status, String type) {
        assertThat(verify(signed(akid, secret, NOW.plusSeconds(offsetSeconds)), PATH, BODY))
                .isInstanceOfSatisfying(SigV4Verifier.Denied.class, d -> {
                    assertThat(d.status()).isEqualTo(status);
                    assertThat(d.errorType()).isEqualTo(type);
                });
    }

    @Test
    void a_signature_within_five_minutes_of_the_clock_verifies() {
        assertThat(verify(signed(AKID, SECRET, NOW.minusSeconds(240)), PATH, BODY)).isInstanceOf(SigV4Verifier.Verified.class);
    }

    @Test
    void no_authorization_header_is_a_missing_token() {
        Map<String, String> headers = new HashMap<>(Map.of("Host", "127.0.0.1:8090"));
        assertThat(verify(headers, PATH, BODY)).isEqualTo(
                new SigV4Verifier.Denied(403, "MissingAuthenticationTokenException", "Missing Authentication Token"));
    }

    @Test
    void a_malformed_authorization_header_is_an_incomplete_signature() {
        Map<String, String> headers = signed(AKID, SECRET, NOW);
        headers.put("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDRAILYARDSIMULATOR");
        assertThat(verify(headers, PATH, BODY))
                .isInstanceOfSatisfying(SigV4Verifier.Denied.class, d -> assertThat(d.errorType()).isEqualTo("IncompleteSignatureException"));
    }
}
