package dev.railyard.router.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.schema.validation.JobRequestValidator;
import org.junit.jupiter.api.Test;

class EstimateInputTest {
    final EstimateInput input = new EstimateInput(new ObjectMapper(), new JobRequestValidator());

    static String chat(String id, String model) {
        return "{\"custom_id\":\"" + id + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"" + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}";
    }

    @Test
    void reports_each_bad_line_with_its_number_field_and_reason_and_keeps_the_good_ones() {
        String jsonl = String.join("\n",
                chat("a", "gpt-4o-mini"),
                "{not json",
                "{\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{}}",
                "{\"custom_id\":\"d\",\"method\":\"GET\",\"url\":\"/v1/chat/completions\",\"body\":{}}",
                "{\"custom_id\":\"e\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-4o-mini\"}}",
                "   ",
                chat("g", "gpt-4o") + "\r",
                "");
        EstimateInput.Lines lines = input.batch(jsonl, null);

        assertThat(lines.endpoint()).isEqualTo("/v1/chat/completions");
        assertThat(lines.valid()).extracting(EstimateLine::lineNumber, EstimateLine::customId).containsExactly(tuple(1, "a"), tuple(7, "g"));
        assertThat(lines.invalid()).extracting(LineProblem::lineNumber, LineProblem::customId, LineProblem::code, LineProblem::field)
                .containsExactly(
                        tuple(2, null, "invalid_json", null),
                        tuple(3, null, "missing_custom_id", "custom_id"),
                        tuple(4, "d", "invalid_method", "method"),
                        tuple(5, "e", "missing_field", "body.messages"));
        assertThat(lines.invalid().get(3).message()).isEqualTo("messages is required");
    }

    @Test
    void a_line_for_another_endpoint_than_the_batchs_is_invalid() {
        String embedding = "{\"custom_id\":\"b\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}}";
        EstimateInput.Lines lines = input.batch(chat("a", "gpt-4o-mini") + "\n" + embedding, "/v1/chat/completions");
        assertThat(lines.invalid()).extracting(LineProblem::lineNumber, LineProblem::code, LineProblem::field)
                .containsExactly(tuple(2, "mismatched_url", "url"));
    }

    @Test
    void refuses_an_input_that_is_no_batch() {
        assertThatThrownBy(() -> input.batch("\n  \n", null))
                .isInstanceOfSatisfying(EstimateInput.Rejected.class, e -> assertThat(e.code()).isEqualTo("empty_batch"));
        assertThatThrownBy(() -> input.batch("[1]\n\"x\"", null))
                .isInstanceOfSatisfying(EstimateInput.Rejected.class, e -> assertThat(e.code()).isEqualTo("invalid_jsonl"))
                .hasMessage("the input is not JSONL: no line is a JSON object (line 1: the line is not a JSON object)");
    }

    @Test
    void refuses_a_repeated_custom_id_as_the_batches_api_does() {
        assertThatThrownBy(() -> input.batch(chat("a", "x") + "\n" + chat("b", "x") + "\n" + chat("a", "y"), null))
                .isInstanceOfSatisfying(EstimateInput.Rejected.class, e -> {
                    assertThat(e.code()).isEqualTo("duplicate_custom_id");
                    assertThat(e.param()).isEqualTo("custom_id");
                })
                .hasMessage("custom_id 'a' appears on line 1 and line 3; custom_id must be unique within a batch");
    }

    @Test
    void one_request_plain_or_in_an_envelope() {
        assertThat(input.single("{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}").valid())
                .singleElement().satisfies(l -> assertThat(l.url()).isEqualTo("/v1/embeddings"));
        assertThat(input.single("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").valid())
                .singleElement().satisfies(l -> assertThat(l.url()).isEqualTo("/v1/chat/completions"));
        assertThat(input.single("{\"endpoint\":\"/v1/embeddings\",\"body\":{\"model\":\"m\",\"input\":[\"a\",\"b\"]}}").valid())
                .singleElement().satisfies(l -> {
                    assertThat(l.url()).isEqualTo("/v1/embeddings");
                    assertThat(l.body().path("input").size()).isEqualTo(2);
                });
    }

    @Test
    void an_invalid_request_is_refused_naming_the_field() {
        assertThatThrownBy(() -> input.single("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}"))
                .isInstanceOfSatisfying(EstimateInput.Rejected.class, e -> assertThat(e.param()).isEqualTo("body.messages[0].role"));
        assertThatThrownBy(() -> input.single("{\"endpoint\":\"/v1/images\",\"body\":{}}"))
                .isInstanceOfSatisfying(EstimateInput.Rejected.class, e -> assertThat(e.param()).isEqualTo("endpoint"));
        assertThatThrownBy(() -> input.single("[]"))
                .isInstanceOfSatisfying(EstimateInput.Rejected.class, e -> assertThat(e.code()).isEqualTo("invalid_type"));
        assertThatThrownBy(() -> input.single(""))
                .isInstanceOfSatisfying(EstimateInput.Rejected.class, e -> assertThat(e.code()).isEqualTo("invalid_json"));
    }
}
