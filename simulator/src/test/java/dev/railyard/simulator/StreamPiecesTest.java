package dev.railyard.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StreamPiecesTest {

    @ParameterizedTest
    @CsvSource({"1, 16", "2, 16", "3, 1", "4, 3", "5, 100"})
    void pieces_join_back_to_the_text_and_never_exceed_the_maximum(long seed, int max) {
        String text = new TextGenerator().generate(seed);

        List<String> pieces = TextGenerator.pieces(text, max);

        assertThat(String.join("", pieces)).isEqualTo(text);
        assertThat(pieces).hasSizeLessThanOrEqualTo(max).isNotEmpty();
        assertThat(pieces.subList(1, pieces.size())).allSatisfy(p -> assertThat(p).startsWith(" "));
    }

    @Test
    void a_truncated_stream_keeps_half_its_frames_and_breaks_off() {
        List<byte[]> frames = List.of(bytes("a"), bytes("b"), bytes("c"), bytes("d"));

        Reply cut = Reply.stream(Reply.EVENT_STREAM, frames).truncated();

        assertThat(cut.frames()).hasSize(2);
        assertThat(cut.cut()).isTrue();
        assertThat(cut.status()).isEqualTo(200);
    }

    @Test
    void a_truncated_body_keeps_half_its_bytes() {
        Reply cut = Reply.json(200, bytes("{\"a\":1234}")).truncated();

        assertThat(new String(cut.body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":");
        assertThat(cut.cut()).isFalse();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
