package dev.railyard.simulator;

/**
 * How the simulator behaves.
 *
 * @param port            the port to listen on; 0 picks a free one
 * @param latencyMs       the delay before every answer
 * @param latencyJitterMs a uniformly random extra delay in [0, jitter]
 * @param errorRate       probability that a request gets an injected transient error
 *                        (429 30%, 500 25%, 503 25%, timeout 10%, malformed body 10%)
 * @param retryAfterMs    what an injected 429 tells the client to wait ({@code retry-after-ms})
 * @param timeoutHoldMs   how long an injected timeout holds the request before closing the connection
 * @param seed            seeds error injection and jitter, so runs are reproducible
 */
public record SimulatorSettings(int port, long latencyMs, long latencyJitterMs, double errorRate,
                                long retryAfterMs, long timeoutHoldMs, long seed) {

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
    }

    public static SimulatorSettings defaults() {
        return new SimulatorSettings(0, 0, 0, 0.0, 1000, 120_000, 42);
    }

    public SimulatorSettings withPort(int port) {
        return new SimulatorSettings(port, latencyMs, latencyJitterMs, errorRate, retryAfterMs, timeoutHoldMs, seed);
    }

    public SimulatorSettings withLatencyMs(long latencyMs) {
        return new SimulatorSettings(port, latencyMs, latencyJitterMs, errorRate, retryAfterMs, timeoutHoldMs, seed);
    }

    public SimulatorSettings withLatencyJitterMs(long latencyJitterMs) {
        return new SimulatorSettings(port, latencyMs, latencyJitterMs, errorRate, retryAfterMs, timeoutHoldMs, seed);
    }

    public SimulatorSettings withErrorRate(double errorRate) {
        return new SimulatorSettings(port, latencyMs, latencyJitterMs, errorRate, retryAfterMs, timeoutHoldMs, seed);
    }

    public SimulatorSettings withRetryAfterMs(long retryAfterMs) {
        return new SimulatorSettings(port, latencyMs, latencyJitterMs, errorRate, retryAfterMs, timeoutHoldMs, seed);
    }

    public SimulatorSettings withTimeoutHoldMs(long timeoutHoldMs) {
        return new SimulatorSettings(port, latencyMs, latencyJitterMs, errorRate, retryAfterMs, timeoutHoldMs, seed);
    }

    public SimulatorSettings withSeed(long seed) {
        return new SimulatorSettings(port, latencyMs, latencyJitterMs, errorRate, retryAfterMs, timeoutHoldMs, seed);
    }
}
