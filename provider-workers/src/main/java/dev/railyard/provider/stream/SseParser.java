package dev.railyard.provider.stream;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * An incremental parser of {@code text/event-stream} bodies
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
 * Network chunks split lines, CRLF pairs and multi-byte characters anywhere: bytes are held until
 * their line is complete and decoded only then. Not thread-safe: one response's chunks arrive in order
 * on one thread.
 */
public final class SseParser implements StreamDecoder<SseEvent> {
    private final int maxEventBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final StringBuilder data = new StringBuilder();
    private String event;
    private boolean hasData;
    private boolean lastWasCarriageReturn;

    /** @param maxEventBytes an event longer than this fails the stream rather than exhaust memory */
    public SseParser(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /** Parses a chunk, handing every event it completes to {@code events}. */
    @Override
    public void feed(Buffer chunk, Consumer<SseEvent> events) {
        byte[] bytes = chunk.getBytes();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '\n' && lastWasCarriageReturn) {
                lastWasCarriageReturn = false; // the LF of a CRLF whose CR ended the line already
                start = i + 1;
                continue;
            }
            lastWasCarriageReturn = b == '\r';
            if (b == '\n' || b == '\r') {
                line.write(bytes, start, i - start);
                start = i + 1;
                endOfLine(events);
            }
        }
        line.write(bytes, start, bytes.length - start);
        if (line.size() + data.length() > maxEventBytes) {
            throw new SseException("an event exceeds " + maxEventBytes + " bytes");
        }
    }

    /**
     * The body ended. An event whose blank line never came is dispatched only when its last line was
     * complete (some servers end the body without the final blank line); a cut-off line is dropped.
     */
    @Override
    public void end(Consumer<SseEvent> events) {
        if (line.size() == 0 && hasData) {
            dispatch(events);
        }
        line.reset();
    }

    private void endOfLine(Consumer<SseEvent> events) {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.isEmpty()) {
            dispatch(events);
            return;
        }
        if (text.charAt(0) == ':') {
            return; // a comment: keep-alive
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> event = value;
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            default -> {
                // id and retry steer browser reconnection; a provider's answer is not resumed
            }
        }
    }

    private void dispatch(Consumer<SseEvent> events) {
        if (hasData) {
            SseEvent e = new SseEvent(event == null || event.isEmpty() ? "message" : event, data.toString());
            data.setLength(0);
            hasData = false;
            event = null;
            events.accept(e);
        } else {
            event = null;
        }
    }

    /** The stream is not a well-formed event stream. */
    public static final class SseException extends RuntimeException {
        SseException(String message) {
            super(message);
        }
    }
}
