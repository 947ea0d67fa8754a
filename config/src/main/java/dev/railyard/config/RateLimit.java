package dev.railyard.config;

/**
 * A provider's quota for one deployment or one API key: requests and tokens per minute. Tokens count
 * the prompt estimate plus the output limit when a call starts, corrected by the reported usage when
 * it ends. Zero means unlimited.
 *
 * @param requestsPerMinute RPM, 0 for no limit
 * @param tokensPerMinute   TPM, 0 for no limit
 */
public record RateLimit(long requestsPerMinute, long tokensPerMinute) {
    public static final RateLimit NONE = new RateLimit(0, 0);

    public RateLimit {
        if (requestsPerMinute < 0 || tokensPerMinute < 0) {
            throw new IllegalArgumentException("rate limits must not be negative");
        }
    }

    public boolean unlimited() {
        return requestsPerMinute == 0 && tokensPerMinute == 0;
    }
}
