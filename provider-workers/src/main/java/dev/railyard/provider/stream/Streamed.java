package dev.railyard.provider.stream;

import java.util.function.Function;

/**
 * A stream that arrived whole; the answer itself is in the call's {@link StreamAssembler}.
 *
 * @param headers            the response headers (the provider's request id, say)
 * @param timeToFirstTokenMs from sending to the first output, or null when the answer had none
 * @param latencyMs          from sending to the end of the stream
 */
public record Streamed(int status, Function<String, String> headers, Long timeToFirstTokenMs, long latencyMs) {
}
