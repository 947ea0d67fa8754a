package dev.railyard.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GeneratedContentTest {
    private final TextGenerator generator = new TextGenerator();

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 42, -7, Long.MAX_VALUE, 123_456_789})
    void answers_have_between_8_and_60_words_and_end_a_sentence(long seed) {
        String text = generator.generate(seed);
        assertThat(text.split(" ")).hasSizeBetween(TextGenerator.MIN_WORDS, TextGenerator.MAX_WORDS);
        assertThat(text).endsWith(".");
        assertThat(Character.isUpperCase(text.charAt(0))).isTrue();
    }

    @Test
    void the_same_seed_gives_the_same_answer() {
        assertThat(generator.generate(99)).isEqualTo(generator.generate(99)).isNotEqualTo(generator.generate(100));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[{\"role\":\"user\",\"content\":\"Hello\"}]",
        "[{\"role\":\"user\",\"content\":\"quote \\\" slash \\\\ tab \\t nul \\u0000 é 😀\"}]",
        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"x\"}],\"n\":1.5e300,\"big\":12345678901234567890123}]",
        "[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\",\"function\":{\"arguments\":\"{}\"}}]},{\"x\":-0.0}]"})
    void hashing_messages_as_they_are_written_equals_hashing_their_json_text(String json) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode messages = mapper.readTree(json);
        TextGenerator.HashWriter hash = new TextGenerator.HashWriter();

        mapper.writeValue(hash, messages);

        assertThat(hash.hash()).isEqualTo(TextGenerator.hash(messages.toString()));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 256, 1536, 3072})
    void embeddings_are_unit_length_and_depend_only_on_the_input(int dimensions) {
        float[] a = Embeddings.vector("hello world", dimensions);
        double norm = 0;
        for (float v : a) {
            norm += v * v;
        }
        assertThat(a).hasSize(dimensions);
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(Embeddings.vector("hello world", dimensions)).isEqualTo(a);
        if (dimensions > 1) {
            assertThat(Embeddings.vector("hello world!", dimensions)).isNotEqualTo(a);
        }
    }

    @ParameterizedTest
    @CsvSource({"text-embedding-3-small, 1536", "text-embedding-ada-002, 1536", "text-embedding-3-large, 3072"})
    void embedding_dimensions_follow_the_model(String model, int dimensions) {
        assertThat(Embeddings.defaultDimensions(model)).isEqualTo(dimensions);
    }

    @ParameterizedTest
    @CsvSource({"0, 0ms", "20, 20ms", "999, 999ms", "1000, 1s", "1500, 1.5s", "8640, 8.64s", "60000, 1m0s", "360000, 6m0s", "90250, 1m30.25s"})
    void rate_limit_reset_durations_use_openais_format(long ms, String expected) {
        assertThat(OpenAiErrors.resetText(ms)).isEqualTo(expected);
    }
}
