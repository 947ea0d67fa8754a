package dev.railyard.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.provider.ProviderException;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicWireTest {
    private final ObjectMapper mapper = new ObjectMapper();

    private JsonNode request(String openAiBody) throws Exception {
        return AnthropicWire.request(mapper, mapper.readTree(openAiBody), "claude-sonnet-4-5");
    }

    @Test
    void system_and_developer_messages_become_the_top_level_system_prompt() throws Exception {
        JsonNode out = request("""
                {"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"developer","content":[{"type":"text","text":"Answer in French."}]},{"role":"user","content":"hi"}]}""");

        assertThat(out.path("system").asText()).isEqualTo("Be brief.\n\nAnswer in French.");
        assertThat(out.path("messages")).hasSize(1);
        assertThat(out.path("messages").get(0).toString()).isEqualTo("{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}");
        assertThat(out.path("model").asText()).isEqualTo("claude-sonnet-4-5");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"max_completion_tokens\":100} | 100",
        "{\"max_tokens\":50} | 50",
        "{\"max_tokens\":50,\"max_completion_tokens\":70} | 70",
        "{} | 4096",
        "{\"reasoning_effort\":\"low\"} | 5120"})
    void max_tokens_is_always_sent(String limits, int expected) throws Exception {
        JsonNode body = mapper.readTree(limits);
        ((com.fasterxml.jackson.databind.node.ObjectNode) body).putArray("messages").addObject().put("role", "user").put("content", "x");

        assertThat(AnthropicWire.request(mapper, body, "m").path("max_tokens").asInt()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "https://example.com/cat.png | {\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://example.com/cat.png\"}}",
        "data:image/png;base64,iVBORw0KGgo= | {\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}"})
    void images_by_url_and_by_data_url(String url, String expected) throws Exception {
        JsonNode out = request("""
                {"messages":[{"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"%s"}}]}]}""".formatted(url));

        assertThat(out.at("/messages/0/content/1").toString()).isEqualTo(expected);
    }

    @Test
    void tool_calls_and_tool_results_become_tool_use_and_merged_tool_result_blocks() throws Exception {
        JsonNode out = request("""
                {"messages":[{"role":"user","content":"weather in Paris and Rome?"},
                 {"role":"assistant","content":null,"tool_calls":[
                   {"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                   {"id":"call_2","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Rome\\"}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"18C"},
                 {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"24C"}]},
                 {"role":"user","content":"thanks"}]}""");

        assertThat(out.path("messages")).hasSize(3);
        assertThat(out.at("/messages/1").toString()).isEqualTo("""
                {"role":"assistant","content":[{"type":"tool_use","id":"call_1","name":"weather","input":{"city":"Paris"}},{"type":"tool_use","id":"call_2","name":"weather","input":{"city":"Rome"}}]}""");
        assertThat(out.at("/messages/2").toString()).isEqualTo("""
                {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"18C"},{"type":"tool_result","tool_use_id":"call_2","content":"24C"},{"type":"text","text":"thanks"}]}""");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"auto\" | | {\"type\":\"auto\"}",
        "\"none\" | | {\"type\":\"none\"}",
        "\"required\" | | {\"type\":\"any\"}",
        "{\"type\":\"function\",\"function\":{\"name\":\"weather\"}} | | {\"type\":\"tool\",\"name\":\"weather\"}",
        "\"required\" | false | {\"type\":\"any\",\"disable_parallel_tool_use\":true}",
        " | false | {\"type\":\"auto\",\"disable_parallel_tool_use\":true}"})
    void tools_and_tool_choice(String choice, Boolean parallel, String expected) throws Exception {
        String extra = (choice == null ? "" : ",\"tool_choice\":" + choice) + (parallel == null ? "" : ",\"parallel_tool_calls\":" + parallel);
        JsonNode out = request("""
                {"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"weather","description":"Weather now","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]%s}""".formatted(extra));

        assertThat(out.path("tools").toString()).isEqualTo("""
                [{"name":"weather","description":"Weather now","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}]""");
        assertThat(out.path("tool_choice").toString()).isEqualTo(expected);
    }

    @Test
    void sampling_stop_and_user_are_mapped() throws Exception {
        JsonNode out = request("""
                {"messages":[{"role":"user","content":"x"}],"temperature":0.3,"top_p":0.9,"top_k":40,"stop":"END","user":"u-1"}""");

        assertThat(out.path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(out.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(out.path("top_k").asInt()).isEqualTo(40);
        assertThat(out.path("stop_sequences").toString()).isEqualTo("[\"END\"]");
        assertThat(out.path("metadata").path("user_id").asText()).isEqualTo("u-1");
    }

    @Test
    void a_part_anthropic_cannot_take_fails_naming_it() {
        assertThatThrownBy(() -> request("""
                {"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAA","format":"wav"}}]}]}"""))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.error().type()).isEqualTo(ErrorType.UNSUPPORTED_PARAMETER);
                    assertThat(e.error().message()).contains("input_audio").contains("anthropic");
                });
    }

    @ParameterizedTest
    @CsvSource({"end_turn, stop", "stop_sequence, stop", "max_tokens, length", "tool_use, tool_calls", "refusal, content_filter", "pause_turn, stop"})
    void stop_reasons_become_finish_reasons(String stopReason, String finishReason) {
        assertThat(AnthropicWire.finishReason(stopReason)).isEqualTo(finishReason);
    }

    @Test
    void a_message_becomes_a_chat_completion_with_tool_calls_and_cache_usage() throws Exception {
        JsonNode message = mapper.readTree("""
                {"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
                 "content":[{"type":"thinking","thinking":"hmm","signature":"s"},{"type":"text","text":"Let me check."},{"type":"tool_use","id":"toolu_01","name":"weather","input":{"city":"Paris"}}],
                 "stop_reason":"tool_use","stop_sequence":null,
                 "usage":{"input_tokens":10,"cache_creation_input_tokens":5,"cache_read_input_tokens":100,"output_tokens":20}}""");

        JsonNode out = AnthropicWire.response(mapper, message, 1_700_000_000L);

        assertThat(out.toString()).isEqualTo("""
                {"id":"msg_01","object":"chat.completion","created":1700000000,"model":"claude-sonnet-4-5-20250929","choices":[{"index":0,"message":{"role":"assistant","content":"Let me check.","refusal":null,"tool_calls":[{"id":"toolu_01","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},"logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":115,"completion_tokens":20,"total_tokens":135,"prompt_tokens_details":{"cached_tokens":100}}}""");
        assertThat(AnthropicWire.usage(message)).isEqualTo(new Usage(115, 20, 100));
    }

    @Test
    void only_tool_calls_leave_content_null() throws Exception {
        JsonNode out = AnthropicWire.response(mapper, mapper.readTree("""
                {"id":"msg_2","model":"m","content":[{"type":"tool_use","id":"t","name":"f","input":{}}],"stop_reason":"tool_use","usage":{"input_tokens":1,"output_tokens":1}}"""), 0);

        assertThat(out.at("/choices/0/message/content").isNull()).isTrue();
    }
}
