package dev.railyard.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.api.http.ApiException;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.validation.JobRequestValidator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobRequestReaderTest {
    private static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private final JobRequestReader reader = new JobRequestReader(new EventCodec().mapper(), new JobRequestValidator(),
            Clock.fixed(NOW, ZoneOffset.UTC));

    private JobRequest read(String json) {
        return reader.read(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void reads_the_envelope_with_all_options() {
        JobRequest r = read("{\"endpoint\":\"/v1/chat/completions\",\"body\":" + CHAT + ",\"metadata\":{\"team\":\"a\"},"
                + "\"priority\":\"interactive\",\"callback_url\":\"https://example.com/hook\",\"deadline\":\"2025-06-02T00:00:00Z\"}");

        assertThat(r.endpoint()).isEqualTo("/v1/chat/completions");
        assertThat(r.model()).isEqualTo("gpt-4o-mini");
        assertThat(r.metadata()).isEqualTo(Map.of("team", "a"));
        assertThat(r.priority()).isEqualTo("interactive");
        assertThat(r.callbackUrl()).isEqualTo("https://example.com/hook");
        assertThat(r.deadline()).isEqualTo(Instant.parse("2025-06-02T00:00:00Z"));
        assertThat(new EventCodec().tree(r.requestJson().getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new EventCodec().tree(CHAT.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void the_envelope_defaults_to_chat_and_standard_priority() {
        JobRequest r = read("{\"body\":" + CHAT + "}");
        assertThat(r.endpoint()).isEqualTo("/v1/chat/completions");
        assertThat(r.priority()).isEqualTo("standard");
        assertThat(r.metadata()).isEmpty();
        assertThat(r.callbackUrl()).isNull();
        assertThat(r.deadline()).isNull();
    }

    static Stream<Arguments> plainBodies() {
        return Stream.of(
                Arguments.of(CHAT, "/v1/chat/completions", "gpt-4o-mini"),
                Arguments.of("{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\"]}", "/v1/embeddings", "text-embedding-3-small"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("plainBodies")
    void a_plain_openai_body_is_accepted_with_its_endpoint_inferred_and_kept_verbatim(String body, String endpoint, String model) {
        JobRequest r = read("  " + body + "\n");
        assertThat(r.endpoint()).isEqualTo(endpoint);
        assertThat(r.model()).isEqualTo(model);
        assertThat(r.requestJson()).isEqualTo(body);
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("empty body", "", "invalid_json", null),
                Arguments.of("malformed JSON", "{\"body\": ", "invalid_json", null),
                Arguments.of("trailing garbage", CHAT + " }", "invalid_json", null),
                Arguments.of("array", "[1]", "invalid_json", null),
                Arguments.of("missing messages (plain)", "{\"model\":\"gpt-4o-mini\"}", "missing_field", "body.messages"),
                Arguments.of("missing model (plain)", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "missing_field", "body.model"),
                Arguments.of("bad role", "{\"body\":" + CHAT.replace("user", "robot") + "}", "invalid_value", "body.messages[0].role"),
                Arguments.of("missing body", "{\"endpoint\":\"/v1/embeddings\"}", "missing_field", "body"),
                Arguments.of("unsupported endpoint", "{\"endpoint\":\"/v1/images\",\"body\":" + CHAT + "}", "unsupported_endpoint", "endpoint"),
                Arguments.of("unknown field", "{\"body\":" + CHAT + ",\"callbackUrl\":\"https://x\"}", "unknown_parameter", "callbackUrl"),
                Arguments.of("bad priority", "{\"body\":" + CHAT + ",\"priority\":\"urgent\"}", "invalid_value", "priority"),
                Arguments.of("metadata not strings", "{\"body\":" + CHAT + ",\"metadata\":{\"n\":1}}", "invalid_type", "metadata.n"),
                Arguments.of("metadata not an object", "{\"body\":" + CHAT + ",\"metadata\":[]}", "invalid_type", "metadata"),
                Arguments.of("relative callback", "{\"body\":" + CHAT + ",\"callback_url\":\"/hook\"}", "invalid_value", "callback_url"),
                Arguments.of("ftp callback", "{\"body\":" + CHAT + ",\"callback_url\":\"ftp://example.com/x\"}", "invalid_value", "callback_url"),
                Arguments.of("unparseable callback", "{\"body\":" + CHAT + ",\"callback_url\":\"https://exa mple.com\"}", "invalid_value", "callback_url"),
                Arguments.of("deadline not ISO", "{\"body\":" + CHAT + ",\"deadline\":\"tomorrow\"}", "invalid_value", "deadline"),
                Arguments.of("deadline past", "{\"body\":" + CHAT + ",\"deadline\":\"2024-01-01T00:00:00Z\"}", "invalid_value", "deadline"),
                Arguments.of("NUL in content", CHAT.replace("hi", "h\\u0000i"), "invalid_value", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void a_bad_request_is_a_400_naming_the_field(String name, String json, String code, String param) {
        assertThatThrownBy(() -> read(json)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.param()).isEqualTo(param);
            assertThat(e.getMessage()).isNotBlank();
        });
    }

    @Test
    void a_malformed_json_message_says_where() {
        assertThatThrownBy(() -> read("{\n\"body\": {,}}"))
                .hasMessageContaining("not valid JSON")
                .hasMessageContaining("line 2");
    }

    // ---- plain OpenAI bodies of the synchronous endpoints ------------------------------------------------------

    private JobRequest readOpenAi(String endpoint, String json) {
        return reader.readOpenAi(endpoint, json.getBytes(StandardCharsets.UTF_8), Priority.INTERACTIVE);
    }

    @Test
    void a_plain_body_for_its_endpoint_keeps_the_clients_text_and_the_given_priority() {
        JobRequest r = readOpenAi("/v1/chat/completions", " " + CHAT + "\n");

        assertThat(r.endpoint()).isEqualTo("/v1/chat/completions");
        assertThat(r.model()).isEqualTo("gpt-4o-mini");
        assertThat(r.requestJson()).isEqualTo(CHAT);
        assertThat(r.priority()).isEqualTo(Priority.INTERACTIVE);
        assertThat(r.metadata()).isEmpty();
    }

    @Test
    void errors_of_a_plain_body_name_the_field_as_the_client_sent_it() {
        assertThatThrownBy(() -> readOpenAi("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo("messages[0].role");
                });
        assertThatThrownBy(() -> readOpenAi("/v1/embeddings", CHAT))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.param()).isEqualTo("input"));
    }

    @Test
    void stream_true_is_an_unsupported_parameter_of_a_plain_body() {
        assertThatThrownBy(() -> readOpenAi("/v1/chat/completions",
                "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo("unsupported_parameter");
                    assertThat(e.param()).isEqualTo("stream");
                });
        assertThat(readOpenAi("/v1/chat/completions",
                "{\"model\":\"m\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").model()).isEqualTo("m");
    }
}
