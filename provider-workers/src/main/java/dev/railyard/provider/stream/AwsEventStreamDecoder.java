package dev.railyard.provider.stream;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * An incremental decoder of AWS event streams ({@code application/vnd.amazon.eventstream}, as Bedrock's
 * ConverseStream answers). Each message is: a prelude of total length and headers length (big-endian
 * uint32 each) and the prelude's CRC32; the headers; the payload; the CRC32 of everything before it.
 * A header is a one-byte name length, the name, a one-byte value type and the value (type 7, a string,
 * is a two-byte length and UTF-8).
 *
 * <p>Network chunks split messages anywhere; bytes are held until their message is whole. Both CRCs
 * are checked, the prelude's as soon as it arrives, so a corrupt length is refused before anything
 * waits for it. Not thread-safe: one response's chunks arrive in order on one thread.
 */
public final class AwsEventStreamDecoder implements StreamDecoder<AwsEventMessage> {
    /** Prelude (8 bytes) and its CRC (4). */
    static final int PRELUDE_BYTES = 12;
    /** A message with no header and no payload: prelude, prelude CRC and message CRC. */
    static final int MIN_MESSAGE_BYTES = 16;

    private final int maxMessageBytes;
    private final CRC32 crc = new CRC32();
    private byte[] buffer = new byte[4096];
    private int start;
    private int end;

    /** @param maxMessageBytes a message longer than this fails the stream rather than exhaust memory */
    public AwsEventStreamDecoder(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void feed(Buffer chunk, Consumer<AwsEventMessage> events) {
        append(chunk);
        while (end - start >= PRELUDE_BYTES) {
            long total = uint32(start);
            long headersLength = uint32(start + 4);
            long preludeCrc = uint32(start + 8);
            long computed = crc(start, 8);
            if (computed != preludeCrc) {
                throw new MalformedEventStream("prelude CRC mismatch (the message says " + hex(preludeCrc)
                        + ", its prelude computes to " + hex(computed) + ")");
            }
            if (total < MIN_MESSAGE_BYTES || total > maxMessageBytes) {
                throw new MalformedEventStream("a message of " + total + " bytes (at least " + MIN_MESSAGE_BYTES
                        + ", at most " + maxMessageBytes + ")");
            }
            if (headersLength > total - MIN_MESSAGE_BYTES) {
                throw new MalformedEventStream("headers of " + headersLength + " bytes in a message of " + total);
            }
            if (end - start < total) {
                return; // the rest of the message is in a later chunk
            }
            int length = (int) total;
            long messageCrc = uint32(start + length - 4);
            computed = crc(start, length - 4);
            if (computed != messageCrc) {
                throw new MalformedEventStream("message CRC mismatch (the message says " + hex(messageCrc)
                        + ", its bytes compute to " + hex(computed) + ")");
            }
            int headersStart = start + PRELUDE_BYTES;
            int payloadStart = headersStart + (int) headersLength;
            Map<String, Object> headers = headers(headersStart, payloadStart);
            byte[] payload = Arrays.copyOfRange(buffer, payloadStart, start + length - 4);
            start += length;
            if (start == end) {
                start = 0;
                end = 0;
            }
            events.accept(new AwsEventMessage(headers, payload));
        }
    }

    /** The body ended: anything still held is a message cut off. */
    @Override
    public void end(Consumer<AwsEventMessage> events) {
        if (end > start) {
            int held = end - start;
            start = 0;
            end = 0;
            throw new MalformedEventStream("the stream ended inside a message (" + held + " bytes of it arrived)");
        }
    }

    private void append(Buffer chunk) {
        int n = chunk.length();
        if (end + n > buffer.length) {
            int held = end - start;
            byte[] target = held + n > buffer.length ? new byte[Math.max(buffer.length * 2, held + n)] : buffer;
            System.arraycopy(buffer, start, target, 0, held);
            buffer = target;
            start = 0;
            end = held;
        }
        chunk.getBytes(0, n, buffer, end);
        end += n;
    }

    private Map<String, Object> headers(int from, int to) {
        Map<String, Object> headers = new LinkedHashMap<>();
        int at = from;
        while (at < to) {
            int nameLength = need(at, 1, to) & 0xFF;
            at++;
            need(at, nameLength + 1, to);
            String name = new String(buffer, at, nameLength, StandardCharsets.UTF_8);
            at += nameLength;
            int type = buffer[at++];
            Object value;
            switch (type) {
                case 0 -> value = Boolean.TRUE;
                case 1 -> value = Boolean.FALSE;
                case 2 -> {
                    value = need(at, 1, to);
                    at += 1;
                }
                case 3 -> {
                    need(at, 2, to);
                    value = (short) ((buffer[at] & 0xFF) << 8 | (buffer[at + 1] & 0xFF));
                    at += 2;
                }
                case 4 -> {
                    need(at, 4, to);
                    value = (int) uint32(at);
                    at += 4;
                }
                case 5, 8 -> {
                    need(at, 8, to);
                    long v = uint32(at) << 32 | uint32(at + 4);
                    value = type == 5 ? Long.valueOf(v) : Instant.ofEpochMilli(v);
                    at += 8;
                }
                case 6, 7 -> {
                    need(at, 2, to);
                    int length = (buffer[at] & 0xFF) << 8 | (buffer[at + 1] & 0xFF);
                    at += 2;
                    need(at, length, to);
                    value = type == 7 ? new String(buffer, at, length, StandardCharsets.UTF_8)
                            : Arrays.copyOfRange(buffer, at, at + length);
                    at += length;
                }
                case 9 -> {
                    need(at, 16, to);
                    value = new UUID(uint32(at) << 32 | uint32(at + 4), uint32(at + 8) << 32 | uint32(at + 12));
                    at += 16;
                }
                default -> throw new MalformedEventStream("header '" + name + "' has unknown value type " + type);
            }
            headers.put(name, value);
        }
        return headers;
    }

    /** Checks that {@code count} bytes from {@code at} lie within the headers; returns the byte at {@code at}. */
    private byte need(int at, int count, int to) {
        if (at + count > to) {
            throw new MalformedEventStream("a header runs past the end of the headers");
        }
        return count > 0 ? buffer[at] : 0;
    }

    private long uint32(int at) {
        return (buffer[at] & 0xFFL) << 24 | (buffer[at + 1] & 0xFFL) << 16 | (buffer[at + 2] & 0xFFL) << 8 | (buffer[at + 3] & 0xFFL);
    }

    private long crc(int from, int length) {
        crc.reset();
        crc.update(buffer, from, length);
        return crc.getValue();
    }

    private static String hex(long value) {
        return String.format("0x%08x", value);
    }

    /** The body is not a well-formed AWS event stream. */
    public static final class MalformedEventStream extends RuntimeException {
        MalformedEventStream(String message) {
            super(message);
        }
    }
}
