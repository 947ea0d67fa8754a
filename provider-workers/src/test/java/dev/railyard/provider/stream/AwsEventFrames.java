package dev.railyard.provider.stream;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;

/** Builds AWS event-stream bytes for tests, and cuts them into slices as a network would. */
public final class AwsEventFrames {
    private AwsEventFrames() {
    }

    /** A Bedrock event: {@code :event-type}, {@code :content-type} and {@code :message-type} {@code event}. */
    public static byte[] event(String eventType, String json) {
        return message(strings(":event-type", eventType, ":content-type", "application/json", ":message-type", "event"), json);
    }

    /** A Bedrock stream exception, e.g. {@code throttlingException}. */
    public static byte[] exception(String exceptionType, String json) {
        return message(strings(":exception-type", exceptionType, ":content-type", "application/json", ":message-type", "exception"), json);
    }

    private static Map<String, Object> strings(String... pairs) {
        Map<String, Object> headers = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.put(pairs[i], pairs[i + 1]);
        }
        return headers;
    }

    /** A message with headers of any of the format's value types (by the Java type of each value). */
    public static byte[] message(Map<String, Object> headers, String payload) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        headers.forEach((name, value) -> {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            h.write(n.length);
            h.writeBytes(n);
            ByteBuffer v;
            switch (value) {
                case Boolean b -> v = ByteBuffer.allocate(1).put((byte) (b ? 0 : 1));
                case Byte b -> v = ByteBuffer.allocate(2).put((byte) 2).put(b);
                case Short s -> v = ByteBuffer.allocate(3).put((byte) 3).putShort(s);
                case Integer i -> v = ByteBuffer.allocate(5).put((byte) 4).putInt(i);
                case Long l -> v = ByteBuffer.allocate(9).put((byte) 5).putLong(l);
                case byte[] bytes -> v = ByteBuffer.allocate(3 + bytes.length).put((byte) 6).putShort((short) bytes.length).put(bytes);
                case String s -> {
                    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                    v = ByteBuffer.allocate(3 + bytes.length).put((byte) 7).putShort((short) bytes.length).put(bytes);
                }
                case Instant t -> v = ByteBuffer.allocate(9).put((byte) 8).putLong(t.toEpochMilli());
                case UUID u -> v = ByteBuffer.allocate(17).put((byte) 9).putLong(u.getMostSignificantBits())
                        .putLong(u.getLeastSignificantBits());
                default -> throw new IllegalArgumentException("no header type for " + value.getClass());
            }
            h.writeBytes(v.array());
        });
        return raw(h.toByteArray(), payload.getBytes(StandardCharsets.UTF_8));
    }

    /** A message around headers bytes as given (well-formed or not), with correct lengths and CRCs. */
    public static byte[] raw(byte[] headerBytes, byte[] body) {
        int total = 16 + headerBytes.length + body.length;
        ByteBuffer out = ByteBuffer.allocate(total).putInt(total).putInt(headerBytes.length);
        out.putInt(crc(out.array(), 8)).put(headerBytes).put(body);
        return out.putInt(crc(out.array(), total - 4)).array();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    public static byte[] concat(List<byte[]> parts) {
        return concat(parts.toArray(byte[][]::new));
    }

    /** {@code bytes} cut every {@code size} bytes: cuts fall inside preludes, headers, payloads and CRCs. */
    public static List<byte[]> slices(byte[] bytes, int size) {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        for (int i = 0; i < bytes.length; i += size) {
            out.add(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + size)));
        }
        return out;
    }

    private static int crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
