package dev.railyard.provider.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AwsEventStreamDecoderTest {
    /**
     * A throttlingException message laid out by hand from AWS's description of the encoding and checksummed
     * with Python's zlib.crc32: an oracle independent of this code and of java.util.zip.
     */
    private static final byte[] THROTTLED = HexFormat.of().parseHex("0000008800000061de0175f40f3a657863657074696f6e2d747970"
            + "650700137468726f74746c696e67457863657074696f6e0d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a"
            + "736f6e0d3a6d6573736167652d74797065070009657863657074696f6e7b226d657373616765223a22736c6f7720646f776e227d832ee072");

    private static List<AwsEventMessage> decode(List<byte[]> chunks) {
        AwsEventStreamDecoder decoder = new AwsEventStreamDecoder(1024 * 1024);
        List<AwsEventMessage> out = new ArrayList<>();
        for (byte[] chunk : chunks) {
            decoder.feed(Buffer.buffer(chunk), out::add);
        }
        decoder.end(out::add);
        return out;
    }

    @Test
    void decodes_a_message_encoded_elsewhere() {
        List<AwsEventMessage> messages = decode(List.of(THROTTLED));

        assertThat(messages).hasSize(1);
        AwsEventMessage m = messages.get(0);
        assertThat(m.messageType()).isEqualTo("exception");
        assertThat(m.header(AwsEventMessage.EXCEPTION_TYPE)).isEqualTo("throttlingException");
        assertThat(m.header(AwsEventMessage.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(m.payloadText()).isEqualTo("{\"message\":\"slow down\"}");
    }

    @ParameterizedTest(name = "slices of {0} bytes")
    @ValueSource(ints = {1, 2, 3, 7, 12, 13, 16, 100, 100_000})
    void messages_split_anywhere_across_chunks_arrive_whole_and_in_order(int sliceBytes) {
        byte[] stream = AwsEventFrames.concat(
                AwsEventFrames.event("messageStart", "{\"role\":\"assistant\"}"),
                AwsEventFrames.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"h\u00e9llo \u4e16\"}}"),
                AwsEventFrames.message(Map.of(), ""),
                THROTTLED);

        List<AwsEventMessage> messages = decode(AwsEventFrames.slices(stream, sliceBytes));

        assertThat(messages).extracting(m -> m.header(AwsEventMessage.EVENT_TYPE))
                .containsExactly("messageStart", "contentBlockDelta", null, null);
        assertThat(messages.get(1).payloadText()).contains("h\u00e9llo \u4e16");
        assertThat(messages.get(2).headers()).isEmpty();
        assertThat(messages.get(2).payload()).isEmpty();
        assertThat(messages.get(3).header(AwsEventMessage.EXCEPTION_TYPE)).isEqualTo("throttlingException");
    }

    @Test
    void every_header_value_type_decodes_to_its_java_type() {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("t", true);
        headers.put("f", false);
        headers.put("b", (byte) -7);
        headers.put("s", (short) 513);
        headers.put("i", 0x0000a00c);
        headers.put("l", -2L);
        headers.put("bytes", new byte[] {1, 2, 3});
        headers.put("str", "caf\u00e9");
        headers.put("ts", Instant.ofEpochMilli(1_700_000_000_123L));
        headers.put("id", UUID.fromString("2b0dd8c4-9c3a-4b59-8c61-0f1b6a3f42aa"));

        AwsEventMessage m = decode(List.of(AwsEventFrames.message(headers, "x"))).get(0);

        assertThat(m.headers()).containsEntry("t", true).containsEntry("f", false).containsEntry("b", (byte) -7)
                .containsEntry("s", (short) 513).containsEntry("i", 0x0000a00c).containsEntry("l", -2L)
                .containsEntry("str", "caf\u00e9").containsEntry("ts", Instant.ofEpochMilli(1_700_000_000_123L))
                .containsEntry("id", UUID.fromString("2b0dd8c4-9c3a-4b59-8c61-0f1b6a3f42aa"));
        assertThat((byte[]) m.headers().get("bytes")).containsExactly(1, 2, 3);
        assertThat(m.header("i")).as("a non-string header is no string").isNull();
    }

    @ParameterizedTest(name = "byte {0} changed: {1}")
    @CsvSource({
        "3,   prelude CRC mismatch",    // the total length
        "7,   prelude CRC mismatch",    // the headers length
        "10,  prelude CRC mismatch",    // the prelude CRC itself
        "20,  message CRC mismatch",    // a header name
        "130, message CRC mismatch",    // the payload
        "134, message CRC mismatch"})   // the message CRC itself
    void a_corrupt_byte_fails_with_the_crc_that_caught_it(int index, String error) {
        byte[] corrupt = THROTTLED.clone();
        corrupt[index] ^= 0x01;

        assertThatThrownBy(() -> decode(List.of(corrupt)))
                .isInstanceOf(AwsEventStreamDecoder.MalformedEventStream.class)
                .hasMessageStartingWith(error);
    }

    @Test
    void a_corrupt_message_after_good_ones_fails_only_after_they_were_handed_over() {
        byte[] bad = THROTTLED.clone();
        bad[130] ^= 0x01;
        AwsEventStreamDecoder decoder = new AwsEventStreamDecoder(1024);
        List<AwsEventMessage> out = new ArrayList<>();

        assertThatThrownBy(() -> decoder.feed(Buffer.buffer(AwsEventFrames.concat(THROTTLED, bad)), out::add))
                .hasMessageContaining("message CRC mismatch (the message says 0x832ee072");
        assertThat(out).hasSize(1);
    }

    @Test
    void a_body_that_ends_inside_a_message_fails() {
        AwsEventStreamDecoder decoder = new AwsEventStreamDecoder(1024);
        List<AwsEventMessage> out = new ArrayList<>();
        decoder.feed(Buffer.buffer(java.util.Arrays.copyOf(THROTTLED, 50)), out::add);

        assertThatThrownBy(() -> decoder.end(out::add)).hasMessage("the stream ended inside a message (50 bytes of it arrived)");
        assertThat(out).isEmpty();
    }

    @Test
    void a_message_longer_than_the_limit_fails_as_soon_as_its_prelude_arrives() {
        AwsEventStreamDecoder decoder = new AwsEventStreamDecoder(100);

        assertThatThrownBy(() -> decoder.feed(Buffer.buffer(java.util.Arrays.copyOf(THROTTLED, 12)), m -> { }))
                .hasMessage("a message of 136 bytes (at least 16, at most 100)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "a string whose length is cut off,     0161 07 00,          a header runs past the end of the headers",
        "a string longer than the headers,     0161 07 0005 6263,   a header runs past the end of the headers",
        "a name longer than the headers,       09 6162,             a header runs past the end of the headers",
        "an int with two of its four bytes,    0161 04 0001,        a header runs past the end of the headers",
        "a value type the format does not have, 0161 0a 00,         header 'a' has unknown value type 10"})
    void malformed_headers_fail_with_what_is_wrong(String what, String headersHex, String error) {
        byte[] message = AwsEventFrames.raw(HexFormat.of().parseHex(headersHex.replace(" ", "")), new byte[0]);

        assertThatThrownBy(() -> decode(List.of(message))).hasMessage(error);
    }
}
