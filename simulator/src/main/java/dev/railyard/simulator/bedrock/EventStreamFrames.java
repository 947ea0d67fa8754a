package dev.railyard.simulator.bedrock;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * AWS event-stream messages ({@code application/vnd.amazon.eventstream}), as Bedrock's ConverseStream
 * writes them: total length and headers length (big-endian uint32), the CRC32 of those 8 bytes, the
 * headers (name length, name, value type 7 = string, value length, value), the JSON payload, and the
 * CRC32 of everything before it. Every header Bedrock sends is a string.
 */
final class EventStreamFrames {
    static final String CONTENT_TYPE = "application/vnd.amazon.eventstream";
    private static final byte STRING = 7;
    /** Bedrock pads every event's JSON with a {@code "p"} field of varying length, so sizes do not leak content. */
    private static final String PADDING = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private EventStreamFrames() {
    }

    /** An event of the ConverseStreamOutput union, e.g. {@code messageStart}, with its payload padded as Bedrock pads it. */
    static byte[] event(String eventType, String json) {
        return message(padded(json),
                ":event-type", eventType, ":content-type", "application/json", ":message-type", "event");
    }

    /** One of the union's modeled exceptions, e.g. {@code throttlingException}: {@code {"message":...}}. */
    static byte[] exception(String exceptionType, String json) {
        return message(json, ":exception-type", exceptionType, ":content-type", "application/json", ":message-type", "exception");
    }

    /** @param headers name, value, name, value... (all strings) */
    static byte[] message(String json, String... headers) {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        for (int i = 0; i < headers.length; i += 2) {
            byte[] name = headers[i].getBytes(StandardCharsets.UTF_8);
            byte[] value = headers[i + 1].getBytes(StandardCharsets.UTF_8);
            head.write(name.length);
            head.writeBytes(name);
            head.write(STRING);
            head.write(value.length >>> 8);
            head.write(value.length & 0xFF);
            head.writeBytes(value);
        }
        byte[] headerBytes = head.toByteArray();
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        int total = 12 + headerBytes.length + payload.length + 4;
        ByteBuffer out = ByteBuffer.allocate(total);
        out.putInt(total).putInt(headerBytes.length);
        out.putInt((int) crc(out.array(), 8));
        out.put(headerBytes).put(payload);
        out.putInt((int) crc(out.array(), total - 4));
        return out.array();
    }

    /** {@code json} is an object: the padding goes in as its last field. */
    private static String padded(String json) {
        int n = 1 + Math.floorMod(json.length() * 31, PADDING.length() - 1);
        return json.substring(0, json.length() - 1) + (json.length() > 2 ? "," : "") + "\"p\":\"" + PADDING.substring(0, n) + "\"}";
    }

    private static long crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }
}
