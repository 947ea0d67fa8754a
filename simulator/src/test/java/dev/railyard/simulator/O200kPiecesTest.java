package dev.railyard.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class O200kPiecesTest {
    /** jtokkit's o200k_base pattern and flags, which the hand-written split must agree with. */
    private static final Pattern O200K = Pattern.compile(String.join("|",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "\\p{N}{1,3}", " ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*", "\\s*[\\r\\n]+", "\\s+(?!\\S)", "\\s+"), Pattern.UNICODE_CHARACTER_CLASS);
    /** Fragments that exercise every alternative and the edges between them. */
    private static final String[] FRAGMENTS = {"a", "Z", "word", "WORD", "Word", "wORD", "'", "'s", "'S", "'t", "'re", "'VE", "'m",
        "'ll", "'Ll", "'d", "'x", "1", "12", "1234567", " ", "  ", "\t", "\n", "\r", "\r\n", "/", "//", ".", "!?", "-", "_", "\"",
        "{", "}", ":", ",", "~", "@", "(", ")", "#", "$", "%", "&", "*", "+", "=", "<", ">", "[", "]", "\\", "^", "`", "|", ";"};

    @Test
    void splits_ascii_text_where_the_o200k_regex_does() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            StringBuilder text = new StringBuilder();
            int parts = random.nextInt(1, 16);
            for (int p = 0; p < parts; p++) {
                text.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
            }
            String s = text.toString();
            assertThat(O200kPieces.covers(s)).isTrue();
            assertThat(split(s)).as("pieces of \"%s\"", s.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))
                    .isEqualTo(regexSplit(s));
        }
    }

    @Test
    void splits_every_pair_of_ascii_characters_where_the_regex_does() {
        for (char a = 0; a < 128; a++) {
            for (char b = 0; b < 128; b++) {
                for (String s : List.of("" + a + b, "x" + a + b + "y", " " + a + b + " ")) {
                    if (O200kPieces.covers(s)) {
                        assertThat(split(s)).as("pieces of %d %d", (int) a, (int) b).isEqualTo(regexSplit(s));
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "don't stop|don't, stop",
        "HELLO world|HELLO, world",
        "CamelCase|Camel,Case",
        "pay 123456 now|pay, ,123,456, now",
        "a   b|a,  , b",
        "path/to/file|path,/to,/file",
        "end!!! ok|end,!!!, ok",
    })
    void splits_like_o200k(String text, String pieces) {
        assertThat(split(text)).isEqualTo(List.of(pieces.split(",", -1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"héllo", "日本", "😀", "tab\u000bvertical", "form\ffeed", "nul\u0000", "del\u007f", "nbsp\u00a0"})
    void leaves_other_characters_to_jtokkit(String text) {
        assertThat(O200kPieces.covers(text)).isFalse();
    }

    private static List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        for (int start = 0, end; start < text.length(); start = end) {
            end = O200kPieces.end(text, start);
            assertThat(end).isGreaterThan(start);
            pieces.add(text.substring(start, end));
        }
        return pieces;
    }

    private static List<String> regexSplit(String text) {
        List<String> pieces = new ArrayList<>();
        Matcher m = O200K.matcher(text);
        int last = 0;
        while (m.find()) {
            assertThat(m.start()).as("the regex skips nothing in \"%s\"", text).isEqualTo(last);
            pieces.add(m.group());
            last = m.end();
        }
        assertThat(last).isEqualTo(text.length());
        return pieces;
    }
}
