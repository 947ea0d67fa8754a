package dev.railyard.api.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.api.http.ApiException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class MessagesRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode openAi(String params) throws Exception {
        return MessagesRequest.toOpenAi(JSON, JSON.readTree(params), "requests.0.params");
    }

    @Test
    void a_plain_request_keeps_model_limit_sampling_and_puts_the_system_prompt_first() throws Exception {
        JsonNode out = openAi("""
                {"model":"claude-haiku-4-5","max_tokens":256,"system":"Be terse.","temperature":0.2,"top_p":0.9,"top_k":5,
                 "stop_sequences":["END"],"metadata":{"user_id":"u-1"},
                 "messages":[{"role":"user","content":"Hello"},{"role":"assistant","content":"Hi"},{"role":"user","content":"Bye"}]}""");

        assertThat(out).isEqualTo(JSON.readTree("""
                {"model":"claude-haiku-4-5","max_tokens":256,
                 "messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"Hello"},
                             {"role":"assistant","content":"Hi"},{"role":"user","content":"Bye"}],
                 "temperature":0.2,"top_p":0.9,"top_k":5,"stop":["END"],"user":"u-1"}"""));
    }

    @Test
    void system_blocks_images_tool_use_and_tool_results_become_openai_messages() throws Exception {
        JsonNode out = openAi("""
                {"model":"claude-sonnet-4-5","max_tokens":100,
                 "system":[{"type":"text","text":"A"},{"type":"text","text":"B"}],
                 "tools":[{"name":"weather","description":"Weather now","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
                 "tool_choice":{"type":"any","disable_parallel_tool_use":true},
                 "messages":[
                   {"role":"user","content":[{"type":"text","text":"Look"},
                     {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBO"}},
                     {"type":"image","source":{"type":"url","url":"https://example.com/a.png"}}]},
                   {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"s"},
                     {"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Oslo"}}]},
                   {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"5 C"}]},
                     {"type":"text","text":"And tomorrow?"}]}]}""");

        assertThat(out.get("messages")).isEqualTo(JSON.readTree("""
                [{"role":"system","content":"A\\n\\nB"},
                 {"role":"user","content":[{"type":"text","text":"Look"},
                   {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBO"}},
                   {"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"toolu_1","type":"function",
                   "function":{"name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
                 {"role":"tool","tool_call_id":"toolu_1","content":"5 C"},
                 {"role":"user","content":[{"type":"text","text":"And tomorrow?"}]}]"""));
        assertThat(out.get("tools")).isEqualTo(JSON.readTree("""
                [{"type":"function","function":{"name":"weather","description":"Weather now",
                  "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]"""));
        assertThat(out.get("tool_choice").asText()).isEqualTo("required");
        assertThat(out.get("parallel_tool_calls").asBoolean()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"{\"type\":\"auto\"},\"auto\"", "{\"type\":\"none\"},\"none\"",
            "'{\"type\":\"tool\",\"name\":\"w\"}','{\"type\":\"function\",\"function\":{\"name\":\"w\"}}'"})
    void tool_choice_maps_to_openai(String anthropic, String openAi) throws Exception {
        JsonNode out = openAi("{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"tools\":[{\"name\":\"w\",\"input_schema\":{\"type\":\"object\"}}],\"tool_choice\":" + anthropic + "}");
        assertThat(out.get("tool_choice")).isEqualTo(JSON.readTree(openAi));
    }

    @ParameterizedTest
    @CsvSource({"1024,low", "2000,medium", "4096,medium", "10000,high"})
    void thinking_budgets_become_the_reasoning_effort_whose_budget_covers_them(int budget, String effort) throws Exception {
        JsonNode out = openAi("{\"model\":\"m\",\"max_tokens\":20000,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":" + budget + "}}");
        assertThat(out.get("reasoning_effort").asText()).isEqualTo(effort);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}|requests.0.params.model",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}|requests.0.params.max_tokens",
            "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[]}|requests.0.params.messages",
            "{\"model\":\"m\",\"max_tokens\":1,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}|requests.0.params.stream",
            "{\"model\":\"m\",\"max_tokens\":1,\"frequency\":1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}|requests.0.params.frequency",
            "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}|requests.0.params.messages.0.role",
            "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"document\"}]}]}|requests.0.params.messages.0.content.0.type",
            "{\"model\":\"m\",\"max_tokens\":1,\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"s\"}],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}|requests.0.params.tools.0.type"})
    void requests_the_openai_shape_cannot_carry_are_refused_naming_the_field(String params, String field) {
        assertThatThrownBy(() -> openAi(params))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo(field);
                    assertThat(e.getMessage()).startsWith(field + ":");
                });
    }
}
