package dev.railyard.simulator;

import java.util.HashMap;
import java.util.Map;

/**
 * What the simulator will answer, before latency is applied.
 *
 * @param headers extra headers besides content-type and x-request-id
 * @param body    JSON bytes (possibly deliberately broken)
 * @param delayMs the simulated latency before answering
 * @param holdMs  when positive, answer nothing and close the connection after this long (a timeout)
 */
record Reply(int status, Map<String, String> headers, byte[] body, long delayMs, long holdMs) {

    static Reply json(int status, byte[] body) {
        return new Reply(status, Map.of(), body, 0, 0);
    }

    static Reply hold(long holdMs) {
        return new Reply(SimulatorStats.NO_ANSWER, Map.of(), new byte[0], 0, holdMs);
    }

    boolean dropped() {
        return holdMs > 0;
    }

    Reply withHeaders(Map<String, String> more) {
        Map<String, String> all = new HashMap<>(headers);
        all.putAll(more);
        return new Reply(status, Map.copyOf(all), body, delayMs, holdMs);
    }

    Reply delayed(long delayMs) {
        return new Reply(status, headers, body, delayMs, holdMs);
    }

    /** A 200 whose JSON is cut off half-way: a provider fault clients must survive. */
    Reply truncated() {
        byte[] half = java.util.Arrays.copyOf(body, Math.max(1, body.length / 2));
        return new Reply(status, headers, half, delayMs, holdMs);
    }
}
