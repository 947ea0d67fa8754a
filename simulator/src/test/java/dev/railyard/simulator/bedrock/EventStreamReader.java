package dev.railyard.simulator.bedrock;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/** Reads a whole AWS event-stream body back into messages, checking both CRCs of each (string headers only). */
final class EventStreamReader {
    record Message(Map<String, String> headers, String payload) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private EventStreamReader() {
    }

    static List<Message> read(byte[] body) {
        List<Message> out = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(body);
        while (in.hasRemaining()) {
            int start = in.position();
            int total = in.getInt();
            int headersLength = in.getInt();
            int preludeCrc = in.getInt();
            if (preludeCrc != crc(body, start, 8)) {
                throw new AssertionError("prelude CRC mismatch at byte " + start);
            }
            if (crc(body, start, total - 4) != ByteBuffer.wrap(body, start + total - 4, 4).getInt()) {
                throw new AssertionError("message CRC mismatch at byte " + start);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            int headersEnd = in.position() + headersLength;
            while (in.position() < headersEnd) {
                byte[] name = new byte[in.get() & 0xFF];
                in.get(name);
                int type = in.get();
                if (type != 7) {
                    throw new AssertionError("header type " + type + " is not a string");
                }
                byte[] value = new byte[in.getShort() & 0xFFFF];
                in.get(value);
                headers.put(new String(name, StandardCharsets.UTF_8), new String(value, StandardCharsets.UTF_8));
            }
            byte[] payload = new byte[total - 16 - headersLength];
            in.get(payload);
            in.getInt();
            out.add(new Message(headers, new String(payload, StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static int crc(byte[] bytes, int from, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }
}
