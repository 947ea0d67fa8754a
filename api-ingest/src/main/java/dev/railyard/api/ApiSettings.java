package dev.railyard.api;

import dev.railyard.api.webhooks.WebhookSettings;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of the REST edge.
 *
 * @param host         the interface to bind, default {@code 127.0.0.1}
 * @param port         the port to bind, default 8080; 0 picks a free one
 * @param maxBodyBytes the largest request body accepted (a batch input file), default 200 MB; larger gets 413
 * @param syncWait     how long {@code POST /v1/chat/completions} and {@code POST /v1/embeddings} wait for the job's
 *                     result before answering 504 with the job id (the job goes on), default 600 s
 * @param authRequired {@code auth.required}: API keys are required even before the first key exists (then only that
 *                     first key can be created without one); default false: with no key in the database the API is
 *                     open and runs every request as tenant {@code default} (docs/auth.md). Env {@code RAILYARD_AUTH_REQUIRED}.
 * @param requestsPerMinute the request limit of an API key that has none of its own, per api-ingest instance,
 *                     default 600. Env {@code RAILYARD_API_REQUESTS_PER_MINUTE}.
 * @param webhooks     job and batch webhook delivery (docs/webhooks.md), default {@link WebhookSettings#defaults()}:
 *                     private, loopback and link-local targets refused
 */
public record ApiSettings(String host, int port, long maxBodyBytes, Duration syncWait, boolean authRequired,
                          int requestsPerMinute, WebhookSettings webhooks) {
    public static final long DEFAULT_MAX_BODY_BYTES = 200L * 1024 * 1024;
    public static final Duration DEFAULT_SYNC_WAIT = Duration.ofSeconds(600);
    public static final int DEFAULT_REQUESTS_PER_MINUTE = 600;

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
        if (syncWait == null || syncWait.toMillis() < 1) {
            throw new IllegalArgumentException("syncWait must be at least 1 ms, got " + syncWait);
        }
        if (requestsPerMinute < 1) {
            throw new IllegalArgumentException("requestsPerMinute must be positive, got " + requestsPerMinute);
        }
        if (webhooks == null) {
            throw new IllegalArgumentException("webhooks settings are required");
        }
    }

    /** With the default webhook settings. */
    public ApiSettings(String host, int port, long maxBodyBytes, Duration syncWait, boolean authRequired, int requestsPerMinute) {
        this(host, port, maxBodyBytes, syncWait, authRequired, requestsPerMinute, WebhookSettings.defaults());
    }

    /** With the default authentication settings. */
    public ApiSettings(String host, int port, long maxBodyBytes, Duration syncWait) {
        this(host, port, maxBodyBytes, syncWait, false, DEFAULT_REQUESTS_PER_MINUTE);
    }

    /** With the default synchronous wait. */
    public ApiSettings(String host, int port, long maxBodyBytes) {
        this(host, port, maxBodyBytes, DEFAULT_SYNC_WAIT);
    }

    public static ApiSettings defaults() {
        return new ApiSettings("127.0.0.1", 8080, DEFAULT_MAX_BODY_BYTES);
    }

    public ApiSettings withSyncWait(Duration wait) {
        return new ApiSettings(host, port, maxBodyBytes, wait, authRequired, requestsPerMinute, webhooks);
    }

    public ApiSettings withAuth(boolean required, int perMinute) {
        return new ApiSettings(host, port, maxBodyBytes, syncWait, required, perMinute, webhooks);
    }

    public ApiSettings withWebhooks(WebhookSettings settings) {
        return new ApiSettings(host, port, maxBodyBytes, syncWait, authRequired, requestsPerMinute, settings);
    }

    /**
     * The authentication settings from {@code RAILYARD_AUTH_REQUIRED} ({@code true}/{@code false}) and
     * {@code RAILYARD_API_REQUESTS_PER_MINUTE}, each keeping this value when unset.
     *
     * @throws IllegalArgumentException naming the variable whose value is not valid
     */
    public ApiSettings withAuthFrom(Map<String, String> env) {
        boolean required = authRequired;
        String requiredValue = env.get("RAILYARD_AUTH_REQUIRED");
        if (requiredValue != null && !requiredValue.isBlank()) {
            if (!requiredValue.strip().equalsIgnoreCase("true") && !requiredValue.strip().equalsIgnoreCase("false")) {
                throw new IllegalArgumentException("RAILYARD_AUTH_REQUIRED must be true or false, got '" + requiredValue + "'");
            }
            required = Boolean.parseBoolean(requiredValue.strip());
        }
        int perMinute = requestsPerMinute;
        String rpmValue = env.get("RAILYARD_API_REQUESTS_PER_MINUTE");
        if (rpmValue != null && !rpmValue.isBlank()) {
            try {
                perMinute = Integer.parseInt(rpmValue.strip());
            } catch (NumberFormatException e) {
                perMinute = 0;
            }
            if (perMinute < 1) {
                throw new IllegalArgumentException("RAILYARD_API_REQUESTS_PER_MINUTE must be a positive integer, got '" + rpmValue + "'");
            }
        }
        return withAuth(required, perMinute);
    }
}
