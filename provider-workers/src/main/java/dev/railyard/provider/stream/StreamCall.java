package dev.railyard.provider.stream;

import io.vertx.core.buffer.Buffer;
import java.util.Map;

/**
 * One streaming POST.
 *
 * @param headers       the request headers (credentials included; never logged)
 * @param idleTimeoutMs fail (and close) when no byte arrives for this long, before or during the answer
 * @param timeoutMs     fail (and close) when the whole answer has not arrived in this long
 */
public record StreamCall(String url, Map<String, String> headers, Buffer body, long idleTimeoutMs, long timeoutMs) {
    public StreamCall {
        headers = Map.copyOf(headers);
    }
}
