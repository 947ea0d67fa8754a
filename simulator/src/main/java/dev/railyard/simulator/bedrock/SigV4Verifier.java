package dev.railyard.simulator.bedrock;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Checks a request's AWS Signature Version 4 the way AWS does: it signs the same request again, with the
 * secret it knows for the access key named in the {@code Authorization} header, over the headers that header
 * lists, and compares the signatures. The signing is the AWS SDK's own {@link AwsV4HttpSigner}, so the check
 * is as exact as the SDK's clients are.
 */
final class SigV4Verifier {
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256\\s+Credential=([^/,\\s]+)/(\\d{8})/([^/,\\s]+)/([^/,\\s]+)/aws4_request\\s*,\\s*"
                    + "SignedHeaders=([^,\\s]+)\\s*,\\s*Signature=([0-9a-f]{64})\\s*");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** AWS refuses signatures more than five minutes away from its clock. */
    private static final Duration SKEW = Duration.ofMinutes(5);
    static final String SERVICE = "bedrock";

    private final Map<String, String> secrets;
    private final InstantSource clock;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    SigV4Verifier(Map<String, String> secrets, InstantSource clock) {
        this.secrets = Map.copyOf(secrets);
        this.clock = clock;
    }

    /** The outcome: the caller's access key id, or the AWS error to answer with. */
    sealed interface Result {
    }

    record Verified(String accessKeyId) implements Result {
    }

    /** @param errorType the {@code x-amzn-ErrorType} AWS sends, e.g. {@code InvalidSignatureException} */
    record Denied(int status, String errorType, String message) implements Result {
    }

    /**
     * @param method  the HTTP method
     * @param rawPath the path exactly as received (still percent-encoded)
     * @param query   the raw query string, or null
     * @param headers the received headers, by case-insensitive name (all values joined with commas), or null
     */
    Result verify(String method, String rawPath, String query, Function<String, String> headers, byte[] body) {
        String authorization = headers.apply("Authorization");
        if (authorization == null || authorization.isBlank()) {
            return new Denied(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        Matcher m = AUTHORIZATION.matcher(authorization.trim());
        if (!m.matches()) {
            return new Denied(403, "IncompleteSignatureException", "Authorization header requires 'Credential', "
                    + "'SignedHeaders' and 'Signature' parameters. Authorization=" + authorization.split(" ")[0]);
        }
        String accessKeyId = m.group(1);
        String scopeDate = m.group(2);
        String region = m.group(3);
        String service = m.group(4);
        String signedHeaders = m.group(5);
        String signature = m.group(6);
        String secret = secrets.get(accessKeyId);
        if (secret == null) {
            return new Denied(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        if (!SERVICE.equals(service)) {
            return new Denied(403, "InvalidSignatureException", "Credential should be scoped to correct service: '"
                    + SERVICE + "'. ");
        }
        String amzDate = headers.apply("X-Amz-Date");
        Instant signedAt;
        try {
            signedAt = amzDate == null ? null : Instant.from(AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            signedAt = null;
        }
        if (signedAt == null) {
            return new Denied(403, "IncompleteSignatureException", "Authorization header requires existence of either a "
                    + "'X-Amz-Date' or a 'Date' header. Authorization=" + authorization.split(" ")[0]);
        }
        if (!amzDate.startsWith(scopeDate)) {
            return new Denied(403, "InvalidSignatureException", "Date in Credential scope does not match YYYYMMDD from "
                    + "ISO-8601 version of date from HTTP: '" + scopeDate + "' != '" + amzDate.substring(0, 8)
                    + "', from '" + amzDate + "'.");
        }
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(SKEW)) || signedAt.isAfter(now.plus(SKEW))) {
            return new Denied(403, "InvalidSignatureException", "Signature expired: " + amzDate + " is now earlier than "
                    + AMZ_DATE.format(now.minus(SKEW)) + " (" + AMZ_DATE.format(now) + " - 5 min.)");
        }
        String expected = signature(method, rawPath, query, headers, body, signedHeaders, accessKeyId, secret, region, signedAt);
        if (expected == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII))) {
            return new Denied(403, "InvalidSignatureException", "The request signature we calculated does not match the "
                    + "signature you provided. Check your AWS Secret Access Key and signing method. Consult the service "
                    + "documentation for details.");
        }
        return new Verified(accessKeyId);
    }

    /** The signature the SDK's signer makes for this request, over exactly the headers the client signed. */
    private String signature(String method, String rawPath, String query, Function<String, String> headers, byte[] body,
                             String signedHeaders, String accessKeyId, String secret, String region, Instant signedAt) {
        String host = headers.apply("Host");
        if (host == null) {
            return null;
        }
        int colon = host.lastIndexOf(':');
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .protocol("http")
                .host(colon > 0 ? host.substring(0, colon) : host)
                .encodedPath(rawPath);
        if (colon > 0) {
            request.port(Integer.parseInt(host.substring(colon + 1)));
        }
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                request.appendRawQueryParameter(name, eq < 0 ? null : decode(pair.substring(eq + 1)));
            }
        }
        List<String> names = new ArrayList<>(List.of(signedHeaders.split(";")));
        for (String name : names) {
            String value = headers.apply(name);
            if (value == null) {
                return null; // a signed header that did not arrive cannot verify
            }
            request.putHeader(name, value);
        }
        SignedRequest signed = signer.sign(r -> r
                .identity(AwsCredentialsIdentity.create(accessKeyId, secret))
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)));
        String produced = signed.request().firstMatchingHeader("Authorization").orElse("");
        int at = produced.indexOf("Signature=");
        return at < 0 ? null : produced.substring(at + "Signature=".length()).trim();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
