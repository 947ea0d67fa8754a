package dev.railyard.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * API key secrets: {@code ry-} and 32 random bytes in base64url (256 bits), stored only as their SHA-256. A fast
 * hash suffices because the secret is random, not chosen by a person: there is no dictionary to try, and 2^256
 * guesses are out of reach however fast each one is. Key ids ({@code key_…}) are random too, and public.
 */
public final class KeySecrets {
    public static final String SECRET_PREFIX = "ry-";
    public static final String ID_PREFIX = "key_";
    /** How much of a secret lists show, enough to tell keys apart, far too little to guess the rest. */
    static final int SHOWN_CHARACTERS = 10;
    private static final Pattern SHAPE = Pattern.compile("ry-[A-Za-z0-9_-]{43}");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random;

    public KeySecrets(SecureRandom random) {
        this.random = random;
    }

    public KeySecrets() {
        this(new SecureRandom());
    }

    public String newSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return SECRET_PREFIX + ENCODER.encodeToString(bytes);
    }

    public String newId() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return ID_PREFIX + ENCODER.encodeToString(bytes);
    }

    /** Whether a presented value can be a secret at all: anything else is refused without a database lookup. */
    public static boolean wellFormed(String secret) {
        return secret != null && SHAPE.matcher(secret).matches();
    }

    public static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Constant time: how much of two hashes agree does not show in how long the comparison takes. */
    public static boolean sameHash(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    public static String shown(String secret) {
        return secret.substring(0, SHOWN_CHARACTERS);
    }
}
