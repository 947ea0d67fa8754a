package dev.railyard.api.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicMessageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_text_completion_becomes_a_message_with_usage_net_of_the_cached_prompt() throws Exception {
        JsonNode completion = JSON.readTree("""
                {"id":"msg_01abc","object":"chat.completion","created":1,"model":"claude-haiku-4-5",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":120,"completion_tokens":7,"total_tokens":127,"prompt_tokens_details":{"cached_tokens":100}}}""");

        // Compared as text: numbers written as longs and read back as ints are equal JSON.
        assertThat(JSON.readTree(AnthropicMessage.of(JSON, completion, "requested").toString())).isEqualTo(JSON.readTree("""
                {"id":"msg_01abc","type":"message","role":"assistant","model":"claude-haiku-4-5",
                 "content":[{"type":"text","text":"Hello!","citations":null}],
                 "stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":20,"output_tokens":7,"cache_creation_input_tokens":null,"cache_read_input_tokens":100,
                          "server_tool_use":null,"service_tier":null}}"""));
    }

    @Test
    void tool_calls_become_tool_use_blocks_and_an_openai_id_gets_a_message_id() throws Exception {
        JsonNode completion = JSON.readTree("""
                {"id":"chatcmpl-xyz","model":"gpt-4o-mini",
                 "choices":[{"index":0,"message":{"role":"assistant","content":null,
                   "tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
                   "finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":10,"completion_tokens":3}}""");

        JsonNode message = AnthropicMessage.of(JSON, completion, "requested");

        assertThat(message.get("id").asText()).isEqualTo("msg_xyz");
        assertThat(message.get("content")).isEqualTo(JSON.readTree("""
                [{"type":"tool_use","id":"call_1","name":"weather","input":{"city":"Oslo"},"caller":{"type":"direct"}}]"""));
        assertThat(message.get("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(message.path("usage").path("input_tokens").asLong()).isEqualTo(10);
    }

    @Test
    void the_requested_model_stands_in_when_the_completion_names_none() throws Exception {
        JsonNode message = AnthropicMessage.of(JSON, JSON.readTree("{\"choices\":[]}"), "claude-haiku-4-5");
        assertThat(message.get("model").asText()).isEqualTo("claude-haiku-4-5");
        assertThat(message.get("content")).isEqualTo(JSON.readTree("[{\"type\":\"text\",\"text\":\"\",\"citations\":null}]"));
    }

    @ParameterizedTest
    @CsvSource({"stop,end_turn", "length,max_tokens", "tool_calls,tool_use", "content_filter,refusal", ",end_turn"})
    void finish_reasons_map_to_stop_reasons(String finish, String stop) {
        assertThat(AnthropicMessage.stopReason(finish)).isEqualTo(stop);
    }

    @ParameterizedTest
    @CsvSource({"400,invalid_request_error", "401,authentication_error", "403,permission_error", "404,not_found_error",
            "413,request_too_large", "429,rate_limit_error", "500,api_error", "529,overloaded_error", "418,invalid_request_error"})
    void statuses_map_to_anthropic_error_types(int status, String type) {
        assertThat(AnthropicErrors.type(status)).isEqualTo(type);
    }
}
