package dev.railyard.provider.bedrock;

import dev.railyard.config.ProviderConfig;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Signs Bedrock requests with the AWS SDK's SigV4 signer (service {@code bedrock}): the method, the
 * full URL, the host, content type and date headers, and a hash of the body.
 */
final class BedrockSigner {
    static final String SERVICE = "bedrock";

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final AwsCredentialsIdentity credentials;
    private final String region;
    private final Clock clock;

    BedrockSigner(ProviderConfig provider, Clock clock) {
        String accessKeyId = provider.option("access_key_id", "");
        String secret = provider.option("secret_access_key", "");
        String token = provider.option("session_token", "");
        this.credentials = token.isEmpty() ? AwsCredentialsIdentity.create(accessKeyId, secret)
                : AwsSessionCredentialsIdentity.create(accessKeyId, secret, token);
        this.region = region(provider);
        this.clock = clock;
    }

    static String region(ProviderConfig provider) {
        return provider.option("region", "us-east-1");
    }

    /** The headers to send: the ones given plus {@code Authorization}, {@code X-Amz-Date} and, with a session, its token. */
    Map<String, List<String>> sign(String url, Map<String, String> headers, byte[] body) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(URI.create(url));
        headers.forEach(request::putHeader);
        return signer.sign(r -> r.identity(credentials)
                        .request(request.build())
                        .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(HttpSigner.SIGNING_CLOCK, clock))
                .request().headers();
    }
}
