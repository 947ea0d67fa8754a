package dev.railyard.simulator;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the simulator will answer, before latency is applied: one body, or a stream of frames (server-sent
 * events, or a JSON array sent piece by piece) spread over the latency.
 *
 * @param headers     extra headers besides content-type
 * @param body        the whole body (possibly deliberately broken); empty for a stream
 * @param delayMs     the simulated latency before answering; a stream spreads it over its frames
 * @param holdMs      when positive, answer nothing and close the connection after this long (a timeout)
 * @param contentType the content type of the answer
 * @param frames      a streamed answer's pieces, each written as it is "generated"; empty when not streamed
 * @param cut         a stream that breaks off: the connection closes after the frames, without a proper end
 */
public record Reply(int status, Map<String, String> headers, byte[] body, long delayMs, long holdMs,
                    String contentType, List<byte[]> frames, boolean cut) {
    public static final String JSON = "application/json";
    public static final String EVENT_STREAM = "text/event-stream";

    public Reply {
        headers = Map.copyOf(headers);
        frames = List.copyOf(frames);
    }

    public static Reply json(int status, byte[] body) {
        return new Reply(status, Map.of(), body, 0, 0, JSON, List.of(), false);
    }

    /** A streamed 200 whose frames go out one by one. */
    public static Reply stream(String contentType, List<byte[]> frames) {
        return new Reply(200, Map.of(), new byte[0], 0, 0, contentType, frames, false);
    }

    public static Reply hold(long holdMs) {
        return new Reply(SimulatorStats.NO_ANSWER, Map.of(), new byte[0], 0, holdMs, JSON, List.of(), false);
    }

    public boolean dropped() {
        return holdMs > 0;
    }

    public boolean streamed() {
        return !frames.isEmpty();
    }

    public Reply withHeaders(Map<String, String> more) {
        if (headers.isEmpty()) {
            return new Reply(status, more, body, delayMs, holdMs, contentType, frames, cut); // copied once, by the constructor
        }
        Map<String, String> all = new HashMap<>(headers);
        all.putAll(more);
        return new Reply(status, all, body, delayMs, holdMs, contentType, frames, cut);
    }

    public Reply withHeader(String name, String value) {
        return withHeaders(Map.of(name, value));
    }

    public Reply delayed(long delayMs) {
        return new Reply(status, headers, body, delayMs, holdMs, contentType, frames, cut);
    }

    /**
     * A 200 that breaks: a body cut off half-way, or a stream that stops after half its frames and hangs up.
     * Provider faults clients must survive.
     */
    public Reply truncated() {
        if (streamed()) {
            return new Reply(status, headers, body, delayMs, holdMs, contentType,
                    frames.subList(0, Math.max(1, frames.size() / 2)), true);
        }
        byte[] half = Arrays.copyOf(body, Math.max(1, body.length / 2));
        return new Reply(status, headers, half, delayMs, holdMs, contentType, frames, cut);
    }
}
