package dev.railyard.simulator;

import java.util.Map;
import java.util.TreeMap;

/**
 * How the simulator behaves.
 *
 * @param port               the port to listen on; 0 picks a free one
 * @param latencyMs          the delay before every answer (a streamed answer spreads it over its chunks)
 * @param latencyJitterMs    a uniformly random extra delay in [0, jitter]
 * @param errorRate          probability that a request gets an injected transient error
 *                           (429 30%, 500 25%, 503/529 25%, timeout 10%, malformed body 10%)
 * @param retryAfterMs       what an injected 429 tells the client to wait ({@code retry-after-ms})
 * @param timeoutHoldMs      how long an injected timeout holds the request before closing the connection
 * @param seed               seeds error injection and jitter, so runs are reproducible
 * @param requestsPerMinute  requests each API key may make per minute, 0 for unlimited
 * @param tokensPerMinute    prompt tokens each API key may send per minute, 0 for unlimited
 * @param awsCredentials     AWS access key id to secret access key: the keys Bedrock's SigV4 check accepts
 */
public record SimulatorSettings(int port, long latencyMs, long latencyJitterMs, double errorRate,
                                long retryAfterMs, long timeoutHoldMs, long seed,
                                long requestsPerMinute, long tokensPerMinute, Map<String, String> awsCredentials) {
    /** The AWS key pair the simulator always accepts (the same the configuration's simulated Bedrock uses). */
    public static final String AWS_ACCESS_KEY_ID = "AKIDRAILYARDSIMULATOR";
    public static final String AWS_SECRET_ACCESS_KEY = "railyard-simulator-secret-access-key";

    public SimulatorSettings {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (latencyMs < 0 || latencyJitterMs < 0 || retryAfterMs < 0 || timeoutHoldMs < 0) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        if (!(errorRate >= 0.0 && errorRate <= 1.0)) {
            throw new IllegalArgumentException("errorRate must be within [0, 1], got " + errorRate);
        }
        if (requestsPerMinute < 0 || tokensPerMinute < 0) {
            throw new IllegalArgumentException("rate limits must not be negative");
        }
        awsCredentials = Map.copyOf(awsCredentials);
    }

    /** No rate limits; only the simulator's own AWS key pair. */
    public SimulatorSettings(int port, long latencyMs, long latencyJitterMs, double errorRate,
                             long retryAfterMs, long timeoutHoldMs, long seed) {
        this(port, latencyMs, latencyJitterMs, errorRate, retryAfterMs, timeoutHoldMs, seed, 0, 0,
                Map.of(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY));
    }

    public static SimulatorSettings defaults() {
        return new SimulatorSettings(0, 0, 0, 0.0, 1000, 120_000, 42);
    }

    public SimulatorSettings withPort(int port) {
        return new SimulatorSettings(port, latencyMs, latencyJitterMs, errorRate, retryAfterMs, timeoutHoldMs, seed,
                requestsPerMinute, tokensPerMinute, awsCredentials);
    }

    public SimulatorSettings withLatencyMs(long latencyMs) {
        return new SimulatorSettings(port, latencyMs, latencyJitterMs, errorRate, retryAfterMs, timeoutHoldMs, seed,
                requestsPerMinute, tokensPerMinute, awsCredentials);
    }

    public SimulatorSettings withLatencyJitterMs(long latencyJitterMs) {
        return new SimulatorSettings(port, latencyMs, latencyJitterMs, errorRate, retryAfterMs, timeoutHoldMs, seed,
                requestsPerMinute, tokensPerMinute, awsCredentials);
    }

    public SimulatorSettings withErrorRate(double errorRate) {
        return new SimulatorSettings(port, latencyMs, latencyJitterMs, errorRate, retryAfterMs, timeoutHoldMs, seed,
                requestsPerMinute, tokensPerMinute, awsCredentials);
    }

    public SimulatorSettings withRetryAfterMs(long retryAfterMs) {
        return new SimulatorSettings(port, latencyMs, latencyJitterMs, errorRate, retryAfterMs, timeoutHoldMs, seed,
                requestsPerMinute, tokensPerMinute, awsCredentials);
    }

    public SimulatorSettings withTimeoutHoldMs(long timeoutHoldMs) {
        return new SimulatorSettings(port, latencyMs, latencyJitterMs, errorRate, retryAfterMs, timeoutHoldMs, seed,
                requestsPerMinute, tokensPerMinute, awsCredentials);
    }

    public SimulatorSettings withSeed(long seed) {
        return new SimulatorSettings(port, latencyMs, latencyJitterMs, errorRate, retryAfterMs, timeoutHoldMs, seed,
                requestsPerMinute, tokensPerMinute, awsCredentials);
    }

    /** Requests per minute per API key (or AWS access key); 0 for unlimited. */
    public SimulatorSettings withRequestsPerMinute(long requestsPerMinute) {
        return new SimulatorSettings(port, latencyMs, latencyJitterMs, errorRate, retryAfterMs, timeoutHoldMs, seed,
                requestsPerMinute, tokensPerMinute, awsCredentials);
    }

    /** Prompt tokens per minute per API key (or AWS access key); 0 for unlimited. */
    public SimulatorSettings withTokensPerMinute(long tokensPerMinute) {
        return new SimulatorSettings(port, latencyMs, latencyJitterMs, errorRate, retryAfterMs, timeoutHoldMs, seed,
                requestsPerMinute, tokensPerMinute, awsCredentials);
    }

    /** Accepts one more AWS key pair for Bedrock's SigV4 check. */
    public SimulatorSettings withAwsCredential(String accessKeyId, String secretAccessKey) {
        Map<String, String> all = new TreeMap<>(awsCredentials);
        all.put(accessKeyId, secretAccessKey);
        return new SimulatorSettings(port, latencyMs, latencyJitterMs, errorRate, retryAfterMs, timeoutHoldMs, seed,
                requestsPerMinute, tokensPerMinute, all);
    }

    /** Secrets are never printed. */
    @Override
    public String toString() {
        return "SimulatorSettings[port=" + port + ", latencyMs=" + latencyMs + ", latencyJitterMs=" + latencyJitterMs
                + ", errorRate=" + errorRate + ", retryAfterMs=" + retryAfterMs + ", timeoutHoldMs=" + timeoutHoldMs
                + ", seed=" + seed + ", requestsPerMinute=" + requestsPerMinute + ", tokensPerMinute=" + tokensPerMinute
                + ", awsAccessKeyIds=" + new TreeMap<>(awsCredentials).keySet() + "]";
    }
}
