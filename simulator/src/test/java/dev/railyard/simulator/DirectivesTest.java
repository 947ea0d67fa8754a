package dev.railyard.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DirectivesTest {

    static Stream<Arguments> texts() {
        return Stream.of(
                Arguments.of("plain prompt", Directives.NONE),
                Arguments.of("[sim:status=429] please", new Directives(429, null, 0, false, false, false, false, false, false, false)),
                Arguments.of("a [sim:latency=250] b", new Directives(null, 250L, 0, false, false, false, false, false, false, false)),
                Arguments.of("[sim:fail_first=2]", new Directives(null, null, 2, false, false, false, false, false, false, false)),
                Arguments.of("[sim:context_length]", new Directives(null, null, 0, true, false, false, false, false, false, false)),
                Arguments.of("[sim:insufficient_quota]", new Directives(null, null, 0, false, true, false, false, false, false, false)),
                Arguments.of("[sim:content_filter]", new Directives(null, null, 0, false, false, true, false, false, false, false)),
                Arguments.of("[sim:timeout]", new Directives(null, null, 0, false, false, false, true, false, false, false)),
                Arguments.of("[sim:malformed]", new Directives(null, null, 0, false, false, false, false, true, false, false)),
                Arguments.of("[sim:tool]", new Directives(null, null, 0, false, false, false, false, false, true, false)),
                Arguments.of("[sim:safety]", new Directives(null, null, 0, false, false, false, false, false, false, true)),
                Arguments.of("[sim:status=503][sim:latency=10]", new Directives(503, 10L, 0, false, false, false, false, false, false, false)),
                Arguments.of("[sim:unknown=3] [sim:status=abc]", Directives.NONE),
                Arguments.of("[SIM:status=500]", Directives.NONE));
    }

    @ParameterizedTest
    @MethodSource("texts")
    void reads_directives_from_prompt_text(String text, Directives expected) {
        assertThat(Directives.NONE.merge(text)).isEqualTo(expected);
    }

    @Test
    void later_texts_add_to_earlier_directives() {
        Directives d = Directives.NONE.merge("[sim:latency=5]").merge(null).merge("[sim:fail_first=1]");
        assertThat(d).isEqualTo(new Directives(null, 5L, 1, false, false, false, false, false, false, false));
    }
}
