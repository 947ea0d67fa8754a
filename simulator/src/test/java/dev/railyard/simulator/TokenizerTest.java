package dev.railyard.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.IntArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TokenizerTest {
    private static final Tokenizer TOKENIZER = new Tokenizer();
    private final TextGenerator generator = new TextGenerator();

    @ParameterizedTest
    @ValueSource(strings = {"gpt-4o-mini", "gpt-3.5-turbo"})
    void cached_piece_counts_equal_encoding_the_whole_answer(String model) {
        Encoding encoding = TOKENIZER.encodingFor(model);
        for (long seed = 0; seed < 500; seed++) {
            List<String> chunks = generator.chunks(seed);
            Tokenizer.Completion c = TOKENIZER.completion(encoding, chunks, null);
            assertThat(c.text()).isEqualTo(generator.generate(seed));
            assertThat(c.tokens()).as("seed %d", seed).isEqualTo(encoding.countTokensOrdinary(c.text()));
            assertThat(c.truncated()).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 7})
    void a_limit_keeps_exactly_that_many_leading_tokens(int limit) {
        Encoding encoding = TOKENIZER.encodingFor("gpt-4o");
        String whole = generator.generate(11);

        Tokenizer.Completion c = TOKENIZER.completion(encoding, generator.chunks(11), limit);

        assertThat(c.truncated()).isTrue();
        assertThat(c.tokens()).isEqualTo(limit);
        assertThat(whole).startsWith(c.text());
        assertThat(encoding.countTokensOrdinary(c.text())).isEqualTo(limit);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt-4o-mini", "gpt-4"})
    void cut_answers_are_the_decoded_leading_tokens(String model) {
        Encoding encoding = TOKENIZER.encodingFor(model);
        for (long seed = 0; seed < 300; seed++) {
            String whole = generator.generate(seed);
            IntArrayList tokens = encoding.encodeOrdinary(whole);
            for (int limit : new int[]{0, 1, 2, 3, 10, tokens.size() - 1}) {
                if (limit >= tokens.size()) {
                    continue; // not cut
                }
                IntArrayList prefix = new IntArrayList();
                for (int i = 0; i < limit; i++) {
                    prefix.add(tokens.get(i));
                }

                Tokenizer.Completion c = TOKENIZER.completion(encoding, generator.chunks(seed), limit);

                assertThat(c.text()).as("seed %d, limit %d", seed, limit).isEqualTo(encoding.decode(prefix));
                assertThat(c.tokens()).isEqualTo(limit);
                assertThat(c.truncated()).isTrue();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt-4o-mini", "gpt-4"})
    void counts_are_jtokkits_for_any_text_counted_again_or_not(String model) {
        Encoding encoding = TOKENIZER.encodingFor(model);
        String[] fragments = {"Hello", " world", "DON'T", " we've", "'s", " 1234567", "\n\n", "\r\n", "\t", "  ", "/path/", "!!",
            "{\"a\": [1, 2]}", " naïve", " 日本語", "😀", "\u000b", "\u00a0", " café", "ſ", "x"};
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder text = new StringBuilder();
            // Short texts are split and counted by piece; long ones are also looked up whole.
            int parts = random.nextInt(1, i % 2 == 0 ? 10 : 80);
            for (int p = 0; p < parts; p++) {
                text.append(fragments[random.nextInt(fragments.length)]);
            }
            String s = text.toString();
            int expected = encoding.countTokensOrdinary(s);
            assertThat(TOKENIZER.count(encoding, s)).as("\"%s\"", s).isEqualTo(expected);
            assertThat(TOKENIZER.count(encoding, new String(s))).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @CsvSource({"gpt-4o-mini, o200k_base", "gpt-4o, o200k_base", "gpt-4.1-nano, o200k_base", "o3-mini, o200k_base",
        "gpt-4, cl100k_base", "gpt-3.5-turbo, cl100k_base", "text-embedding-3-small, cl100k_base"})
    void models_use_their_generations_encoding(String model, String encoding) {
        assertThat(TOKENIZER.encodingFor(model).getName()).isEqualTo(encoding);
    }

    @Test
    void chat_prompts_cost_three_tokens_per_message_and_three_for_the_reply() throws Exception {
        var messages = new ObjectMapper().readTree("""
                [{"role":"user","content":"Hello"},
                 {"role":"assistant","content":[{"type":"text","text":"Hi"},{"type":"image_url","image_url":{"url":"x"}}]}]""");
        Encoding o200k = TOKENIZER.encodingFor("gpt-4o");

        int expected = 3 + (3 + 1 + 1) + (3 + o200k.countTokens("assistant") + o200k.countTokens("Hi") + Tokenizer.TOKENS_PER_IMAGE);

        assertThat(TOKENIZER.chatPrompt(o200k, messages)).isEqualTo(expected);
    }
}
