package dev.railyard.api.batches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.api.http.ApiException;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.validation.JobRequestValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BatchInputParserTest {
    private static final String CHAT_BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String EMBED_BODY = "{\"model\":\"text-embedding-3-small\",\"input\":\"hi\"}";

    private final BatchInputParser parser = new BatchInputParser(new EventCodec().mapper(), new JobRequestValidator(), 5);

    /** What the parser handed over and what it returned. */
    record Result(List<BatchLine> valid, ParsedBatch parsed) {
        List<LineError> invalid() {
            return parsed.invalid();
        }
    }

    private Result parse(String input, String endpoint) {
        List<BatchLine> valid = new ArrayList<>();
        ParsedBatch parsed = parser.parse(input, endpoint, valid::add);
        assertThat(parsed.validLines()).isEqualTo(valid.size());
        return new Result(valid, parsed);
    }

    static String chat(String customId) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":" + CHAT_BODY + "}";
    }

    static Stream<Arguments> inputsWithOneBadLine() {
        return Stream.of(
                Arguments.of("invalid JSON line", chat("a") + "\n{\"custom_id\": \"b\", \n", "2:invalid_json:null"),
                Arguments.of("array instead of object", chat("a") + "\n[1,2]", "2:invalid_json:null"),
                Arguments.of("trailing content", chat("a") + "\n" + chat("b") + " x", "2:invalid_json:null"),
                Arguments.of("missing custom_id", chat("a") + "\n{\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":" + CHAT_BODY + "}",
                        "2:missing_custom_id:custom_id"),
                Arguments.of("empty custom_id", chat("a") + "\n" + chat(""), "2:invalid_custom_id:custom_id"),
                Arguments.of("numeric custom_id", chat("a") + "\n{\"custom_id\":7,\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":" + CHAT_BODY + "}",
                        "2:invalid_custom_id:custom_id"),
                Arguments.of("method not POST", chat("a") + "\n" + chat("b").replace("\"POST\"", "\"GET\""), "2:invalid_method:method"),
                Arguments.of("missing method", chat("a") + "\n" + chat("b").replace("\"method\":\"POST\",", ""), "2:missing_field:method"),
                Arguments.of("unsupported url", chat("a") + "\n" + chat("b").replace("/v1/chat/completions", "/v1/images"), "2:unsupported_endpoint:url"),
                Arguments.of("missing url", chat("a") + "\n" + chat("b").replace("\"url\":\"/v1/chat/completions\",", ""), "2:missing_field:url"),
                Arguments.of("bad role", chat("a") + "\n" + chat("b").replace("\"user\"", "\"robot\""), "2:invalid_value:body.messages[0].role"),
                Arguments.of("missing messages", chat("a") + "\n{\"custom_id\":\"b\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"m\"}}",
                        "2:missing_field:body.messages"),
                Arguments.of("missing body", chat("a") + "\n{\"custom_id\":\"b\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\"}", "2:missing_field:body"),
                Arguments.of("NUL escape in body", chat("a") + "\n" + chat("b").replace("\"hi\"", "\"h\\u0000i\""), "2:invalid_value:null"),
                Arguments.of("bad line first, blank lines counted", "\n\nnot json\n" + chat("a"), "3:invalid_json:null"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputsWithOneBadLine")
    void a_bad_line_becomes_a_line_error_with_its_line_number_and_field(String name, String input, String expected) {
        Result parsed = parse(input, null);

        assertThat(parsed.invalid()).hasSize(1);
        LineError e = parsed.invalid().get(0);
        assertThat(e.lineNumber() + ":" + e.code() + ":" + e.field()).isEqualTo(expected);
        assertThat(e.message()).isNotBlank();
        assertThat(parsed.valid()).hasSize(1);
        assertThat(parsed.parsed().totalLines()).isEqualTo(2);
    }

    static Stream<Arguments> inputsRejectedWhole() {
        return Stream.of(
                Arguments.of("empty", "", "empty_batch"),
                Arguments.of("only blank lines", "\n  \r\n\t\n", "empty_batch"),
                Arguments.of("not JSONL: CSV", "custom_id,model\na,gpt-4o-mini\n", "invalid_jsonl"),
                Arguments.of("not JSONL: a pretty-printed JSON array", "[\n  {\n    \"custom_id\": \"a\"\n  }\n]\n", "invalid_jsonl"),
                Arguments.of("too many lines", String.join("\n", chat("1"), chat("2"), chat("3"), chat("4"), chat("5"), chat("6")),
                        "too_many_requests_in_batch"),
                Arguments.of("duplicate custom_id", String.join("\n", chat("a"), chat("b"), chat("a")), "duplicate_custom_id"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputsRejectedWhole")
    void a_file_that_cannot_be_a_batch_is_rejected_whole(String name, String input, String code) {
        assertThatThrownBy(() -> parse(input, null))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo(code);
                });
    }

    @Test
    void duplicate_custom_id_names_the_id_and_both_lines() {
        assertThatThrownBy(() -> parse(String.join("\n", chat("a"), chat("dup"), "", chat("dup")), null))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.param()).isEqualTo("custom_id");
                    assertThat(e.getMessage()).contains("'dup'", "line 2", "line 4");
                });
    }

    @Test
    void valid_lines_keep_line_numbers_custom_ids_and_the_exact_body_text() {
        String spaced = "{ \"model\" : \"gpt-4o-mini\",  \"messages\": [ {\"role\":\"user\",\"content\":\"a\\tb\"} ] }";
        String input = chat("first") + "\n\n{\"custom_id\":\"second\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\": "
                + spaced + " , \"extra\": 1}\n";

        Result parsed = parse(input, null);

        assertThat(parsed.invalid()).isEmpty();
        assertThat(parsed.valid()).extracting(BatchLine::lineNumber).containsExactly(1, 3);
        assertThat(parsed.valid()).extracting(BatchLine::customId).containsExactly("first", "second");
        assertThat(parsed.valid().get(0).bodyJson()).isEqualTo(CHAT_BODY);
        assertThat(parsed.valid().get(1).bodyJson()).isEqualTo(spaced);
        assertThat(parsed.valid().get(1).model()).isEqualTo("gpt-4o-mini");
        assertThat(parsed.parsed().endpoint()).isEqualTo("/v1/chat/completions");
    }

    @Test
    void crlf_line_endings_and_a_byte_order_mark_are_accepted() {
        Result parsed = parse("\uFEFF" + chat("a") + "\r\n\r\n" + chat("b") + "\r\n", null);

        assertThat(parsed.invalid()).isEmpty();
        assertThat(parsed.valid()).extracting(BatchLine::lineNumber).containsExactly(1, 3);
        assertThat(parsed.valid().get(1).bodyJson()).isEqualTo(CHAT_BODY);
    }

    @Test
    void lines_for_another_endpoint_are_invalid_when_the_batch_names_one() {
        String embed = "{\"custom_id\":\"e\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":" + EMBED_BODY + "}";

        Result parsed = parse(chat("c") + "\n" + embed, "/v1/embeddings");

        assertThat(parsed.parsed().endpoint()).isEqualTo("/v1/embeddings");
        assertThat(parsed.valid()).extracting(BatchLine::customId).containsExactly("e");
        assertThat(parsed.invalid()).singleElement().satisfies(e -> {
            assertThat(e.code()).isEqualTo("mismatched_url");
            assertThat(e.field()).isEqualTo("url");
            assertThat(e.lineNumber()).isEqualTo(1);
            assertThat(e.customId()).isEqualTo("c");
        });
    }

    @Test
    void without_an_endpoint_mixed_urls_are_allowed_and_the_first_valid_line_names_the_batch() {
        String embed = "{\"custom_id\":\"e\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":" + EMBED_BODY + "}";

        Result parsed = parse(embed + "\n" + chat("c"), null);

        assertThat(parsed.parsed().endpoint()).isEqualTo("/v1/embeddings");
        assertThat(parsed.valid()).hasSize(2);
    }

    @Test
    void a_file_whose_lines_are_all_invalid_objects_is_still_a_batch_with_no_valid_lines() {
        Result parsed = parse(chat("a").replace("\"POST\"", "\"GET\"") + "\n{\"custom_id\":\"b\"}", null);

        assertThat(parsed.valid()).isEmpty();
        assertThat(parsed.invalid()).extracting(LineError::lineNumber).containsExactly(1, 2);
        assertThat(parsed.invalid()).extracting(LineError::customId).containsExactly("a", "b");
    }

    @Test
    void several_problems_on_one_line_report_the_first_field_and_mention_the_rest() {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}],\"temperature\":9}";
        Result parsed = parse(chat("ok") + "\n{\"custom_id\":\"b\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":" + body + "}", null);

        LineError e = parsed.invalid().get(0);
        assertThat(e.field()).isEqualTo("body.messages[0].role");
        assertThat(e.message()).contains("1 more", "body.temperature");
        assertThat(List.of(e.lineNumber())).containsExactly(2);
    }
}
