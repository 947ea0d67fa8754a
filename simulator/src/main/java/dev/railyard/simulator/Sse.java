package dev.railyard.simulator;

import java.nio.charset.StandardCharsets;

/** Server-sent event frames. */
public final class Sse {
    private Sse() {
    }

    /** {@code data: JSON} and a blank line, as OpenAI frames its chunks. */
    public static byte[] data(String data) {
        return ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code data: JSON} ended by CRLF CRLF, as Google's {@code alt=sse} frames them. */
    public static byte[] dataCrlf(String data) {
        return ("data: " + data + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A named event, as Anthropic frames its stream. */
    public static byte[] event(String name, String data) {
        return ("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
