package dev.railyard.api;

/**
 * Settings of the REST edge.
 *
 * @param host         the interface to bind, default {@code 127.0.0.1}
 * @param port         the port to bind, default 8080; 0 picks a free one
 * @param maxBodyBytes the largest request body accepted (a batch input file), default 200 MB; larger gets 413
 */
public record ApiSettings(String host, int port, long maxBodyBytes) {
    public static final long DEFAULT_MAX_BODY_BYTES = 200L * 1024 * 1024;

    public ApiSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is required");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
        }
    }

    public static ApiSettings defaults() {
        return new ApiSettings("127.0.0.1", 8080, DEFAULT_MAX_BODY_BYTES);
    }
}
