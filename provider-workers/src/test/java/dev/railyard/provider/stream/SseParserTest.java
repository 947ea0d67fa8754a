package dev.railyard.provider.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SseParserTest {
    private static List<SseEvent> parse(byte[]... chunks) {
        SseParser parser = new SseParser(1 << 20);
        List<SseEvent> events = new ArrayList<>();
        for (byte[] chunk : chunks) {
            parser.feed(Buffer.buffer(chunk), events::add);
        }
        parser.end(events::add);
        return events;
    }

    private static List<SseEvent> parse(String body) {
        return parse(body.getBytes(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> bodies() {
        return Stream.of(
                Arguments.of("one data line", "data: {\"a\":1}\n\n", List.of(new SseEvent("message", "{\"a\":1}"))),
                Arguments.of("named event", "event: message_start\ndata: {}\n\n", List.of(new SseEvent("message_start", "{}"))),
                Arguments.of("CRLF line ends", "event: ping\r\ndata: x\r\n\r\n", List.of(new SseEvent("ping", "x"))),
                Arguments.of("CR line ends", "data: x\r\rdata: y\r\r", List.of(new SseEvent("message", "x"), new SseEvent("message", "y"))),
                Arguments.of("no space after the colon", "data:x\n\n", List.of(new SseEvent("message", "x"))),
                Arguments.of("only one leading space is stripped", "data:  x\n\n", List.of(new SseEvent("message", " x"))),
                Arguments.of("multi-line data joins with LF", "data: a\ndata: b\n\n", List.of(new SseEvent("message", "a\nb"))),
                Arguments.of("comments are keep-alives", ": ping\n\ndata: x\n\n: bye\n\n", List.of(new SseEvent("message", "x"))),
                Arguments.of("an event without data is not dispatched", "event: nothing\n\ndata: x\n\n", List.of(new SseEvent("message", "x"))),
                Arguments.of("id and retry are ignored", "id: 7\nretry: 10\ndata: x\n\n", List.of(new SseEvent("message", "x"))),
                Arguments.of("the event name does not leak to the next event", "event: a\ndata: 1\n\ndata: 2\n\n",
                        List.of(new SseEvent("a", "1"), new SseEvent("message", "2"))),
                Arguments.of("a complete last line without the blank line", "data: [DONE]\n", List.of(new SseEvent("message", "[DONE]"))),
                Arguments.of("a cut-off last line is dropped", "data: x\n\ndata: {\"cut", List.of(new SseEvent("message", "x"))),
                Arguments.of("multi-byte characters", "data: {\"t\":\"h\u00e9llo \u4e16\u754c \ud83d\ude80\"}\n\n",
                        List.of(new SseEvent("message", "{\"t\":\"h\u00e9llo \u4e16\u754c \ud83d\ude80\"}"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void parses_event_streams(String name, String body, List<SseEvent> expected) {
        assertThat(parse(body)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}, split at every byte")
    @MethodSource("bodies")
    void a_split_anywhere_yields_the_same_events(String name, String body, List<SseEvent> expected) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) {
            assertThat(parse(Arrays.copyOfRange(bytes, 0, cut), Arrays.copyOfRange(bytes, cut, bytes.length)))
                    .as("cut at byte %d", cut).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}, one byte at a time")
    @MethodSource("bodies")
    void one_byte_chunks_yield_the_same_events(String name, String body, List<SseEvent> expected) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        byte[][] chunks = new byte[bytes.length][];
        for (int i = 0; i < bytes.length; i++) {
            chunks[i] = new byte[] {bytes[i]};
        }
        assertThat(parse(chunks)).isEqualTo(expected);
    }

    @Test
    void an_event_beyond_the_limit_fails_instead_of_growing_without_bound() {
        SseParser parser = new SseParser(64);
        List<SseEvent> events = new ArrayList<>();

        parser.feed(Buffer.buffer("data: " + "x".repeat(40) + "\n"), events::add);

        assertThatThrownBy(() -> parser.feed(Buffer.buffer("data: " + "y".repeat(40)), events::add))
                .isInstanceOf(SseParser.SseException.class).hasMessageContaining("64 bytes");
        assertThat(events).isEmpty();
    }
}
