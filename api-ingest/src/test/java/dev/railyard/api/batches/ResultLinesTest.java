package dev.railyard.api.batches;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.api.jobs.StoredError;
import dev.railyard.schema.EventCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResultLinesTest {
    private final ObjectMapper mapper = new EventCodec().mapper();

    interface Lines {
        void write(JsonGenerator g) throws IOException;
    }

    private String render(Lines lines) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
            g.setRootValueSeparator(null);
            lines.write(g);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void a_succeeded_job_is_an_openai_output_line_with_the_stored_response_copied() throws IOException {
        String text = render(g -> {
            ResultLines.succeeded(g, "job_abc", "req-1", "{\"id\": \"chatcmpl-1\", \"choices\": []}");
            ResultLines.succeeded(g, "job_def", "req-2", "{\"id\": \"chatcmpl-2\"}");
        });

        String[] lines = text.split("\n", -1);
        assertThat(lines).hasSize(3);
        assertThat(lines[2]).isEmpty();
        JsonNode first = mapper.readTree(lines[0]);
        assertThat(first.get("id").asText()).isEqualTo("batch_req_abc");
        assertThat(first.get("custom_id").asText()).isEqualTo("req-1");
        assertThat(first.get("response").get("status_code").asInt()).isEqualTo(200);
        assertThat(first.get("response").get("request_id").asText()).isEqualTo("job_abc");
        assertThat(first.get("response").get("body").get("id").asText()).isEqualTo("chatcmpl-1");
        assertThat(first.get("error").isNull()).isTrue();
        assertThat(mapper.readTree(lines[1]).get("custom_id").asText()).isEqualTo("req-2");
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                // stored error json, state, last attempt status -> code, status_code
                Arguments.of("{\"type\":\"rate_limited\",\"message\":\"slow down\",\"http_status\":429}", "failed", null, "rate_limited", 429),
                Arguments.of("{\"type\":\"rate_limited\",\"message\":\"slow down\",\"http_status\":429}", "failed", 503, "rate_limited", 503),
                Arguments.of("{\"type\":\"timeout\",\"message\":\"no answer\"}", "failed", null, "timeout", 500),
                Arguments.of("{\"type\":\"context_length_exceeded\",\"message\":\"too long\"}", "failed", null, "context_length_exceeded", 400),
                Arguments.of("{\"type\":\"budget_exceeded\",\"message\":\"over budget\"}", "rejected", null, "budget_exceeded", 400),
                Arguments.of("{\"type\":\"internal\",\"message\":\"bug\"}", "failed", null, "internal", 500),
                Arguments.of(null, "expired", null, "expired", 400),
                Arguments.of(null, "failed", null, "internal", 500));
    }

    @ParameterizedTest(name = "{1} {0} -> {3} {4}")
    @MethodSource("failures")
    void a_failed_job_carries_its_error_type_and_the_best_known_status(String errorJson, String state, Integer lastStatus,
                                                                       String code, int statusCode) throws IOException {
        StoredError error = StoredError.of(mapper, errorJson, state);
        JsonNode line = mapper.readTree(render(g -> ResultLines.failed(g, "job_x", "c-1", error, error.statusCode(lastStatus))));

        assertThat(line.get("id").asText()).isEqualTo("batch_req_x");
        assertThat(line.get("custom_id").asText()).isEqualTo("c-1");
        assertThat(line.get("response").get("status_code").asInt()).isEqualTo(statusCode);
        assertThat(line.get("response").get("request_id").asText()).isEqualTo("job_x");
        assertThat(line.get("response").get("body").get("error").get("type").asText()).isEqualTo(code);
        assertThat(line.get("response").get("body").get("error").get("message").asText()).isNotBlank();
        assertThat(line.get("error").get("code").asText()).isEqualTo(code);
    }

    @Test
    void an_invalid_line_has_no_response_and_names_its_line_and_field() throws IOException {
        JsonNode line = mapper.readTree(render(g -> ResultLines.invalidLine(g,
                new LineError(7, "c-7", "invalid_value", "body.messages[0].role", "role must be one of ..."))));

        assertThat(line.get("id").asText()).isEqualTo("batch_req_line_7");
        assertThat(line.get("custom_id").asText()).isEqualTo("c-7");
        assertThat(line.get("response").isNull()).isTrue();
        assertThat(line.get("error").get("code").asText()).isEqualTo("invalid_value");
        assertThat(line.get("error").get("line").asInt()).isEqualTo(7);
        assertThat(line.get("error").get("param").asText()).isEqualTo("body.messages[0].role");
    }
}
