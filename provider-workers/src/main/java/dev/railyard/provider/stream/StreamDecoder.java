package dev.railyard.provider.stream;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Cuts a response body, arriving in network chunks split anywhere, into a family's events: server-sent
 * events ({@link SseParser}) or AWS event-stream messages ({@link AwsEventStreamDecoder}). One per
 * response; not thread-safe (a response's chunks arrive in order on one thread). A body that is not of
 * the format fails with an unchecked exception, which the stream reports as a malformed response.
 *
 * @param <E> the events it yields
 */
public interface StreamDecoder<E> {

    /** Decodes a chunk, handing every event it completes to {@code events}. */
    void feed(Buffer chunk, Consumer<E> events);

    /** The body ended: hands over what the end completes, or fails when the body stopped inside an event. */
    void end(Consumer<E> events);
}
