package dev.railyard.schema.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook deliveries as the Standard Webhooks specification says: {@code webhook-signature: v1,<base64 of
 * HMAC-SHA256(key, id + "." + timestamp + "." + body)>}. A secret written {@code whsec_<base64>} is that key in
 * base64 (the specification's form); any other secret is used as its UTF-8 bytes. Job and batch webhooks and budget
 * alerts all sign with this class, so receivers verify every Railyard webhook the same way.
 */
public final class WebhookSigner {
    public static final String PREFIX = "whsec_";
    private static final int SECRET_BYTES = 32;
    private final byte[] key;

    public WebhookSigner(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("a webhook signing secret must not be empty");
        }
        this.key = secret.startsWith(PREFIX)
                ? Base64.getDecoder().decode(secret.substring(PREFIX.length()))
                : secret.getBytes(StandardCharsets.UTF_8);
    }

    /** A new secret in the specification's form: {@code whsec_} and the base64 of 32 random bytes. */
    public static String newSecret(SecureRandom random) {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    /** @param timestampSeconds the {@code webhook-timestamp} header's value, Unix seconds */
    public String sign(String id, long timestampSeconds, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(mac(id, timestampSeconds, body));
    }

    /**
     * Whether a {@code webhook-signature} header (space-separated {@code v1,<base64>} entries, several while a secret
     * rotates) holds this secret's signature of the message. Compares in constant time. Checking that the timestamp
     * is recent (replay protection) is the receiver's part.
     */
    public boolean verify(String id, long timestampSeconds, byte[] body, String signatureHeader) {
        if (signatureHeader == null) {
            return false;
        }
        byte[] expected = mac(id, timestampSeconds, body);
        for (String entry : signatureHeader.trim().split(" +")) {
            if (!entry.startsWith("v1,")) {
                continue;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(entry.substring(3));
            } catch (IllegalArgumentException e) {
                continue; // not base64: cannot be ours
            }
            if (MessageDigest.isEqual(expected, given)) {
                return true;
            }
        }
        return false;
    }

    private byte[] mac(String id, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
