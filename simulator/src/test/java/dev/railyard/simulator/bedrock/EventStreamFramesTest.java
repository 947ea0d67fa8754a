package dev.railyard.simulator.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventStreamFramesTest {
    private static final HexFormat HEX = HexFormat.of();

    /** The expected bytes were laid out by hand from AWS's description and checksummed with Python's zlib.crc32. */
    @Test
    void an_exception_message_has_prelude_headers_payload_and_both_crcs() {
        byte[] frame = EventStreamFrames.exception("throttlingException", "{\"message\":\"slow down\"}");

        assertThat(HEX.formatHex(frame)).isEqualTo("0000008800000061de0175f40f3a657863657074696f6e2d747970650700137468726f74"
                + "746c696e67457863657074696f6e0d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573"
                + "736167652d74797065070009657863657074696f6e7b226d657373616765223a22736c6f7720646f776e227d832ee072");
    }

    @Test
    void a_message_without_headers_or_payload_is_sixteen_bytes() {
        assertThat(HEX.formatHex(EventStreamFrames.message(""))).isEqualTo("000000100000000005c248eb7d98c8ff");
    }

    @Test
    void an_event_is_padded_with_a_p_field_and_reads_back_with_its_three_headers() {
        List<EventStreamReader.Message> read = EventStreamReader.read(EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}"));

        assertThat(read).hasSize(1);
        assertThat(read.get(0).headers()).containsExactly(
                java.util.Map.entry(":event-type", "messageStart"),
                java.util.Map.entry(":content-type", "application/json"),
                java.util.Map.entry(":message-type", "event"));
        assertThat(read.get(0).payload()).matches("\\{\"role\":\"assistant\",\"p\":\"[a-zA-Z0-9]+\"}");
    }
}
