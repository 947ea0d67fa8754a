package dev.railyard.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.provider.ProviderException;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.Usage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeminiWireTest {
    private final ObjectMapper mapper = new ObjectMapper();

    private JsonNode request(String openAiBody) throws Exception {
        return GeminiWire.request(mapper, mapper.readTree(openAiBody));
    }

    @Test
    void conversation_with_system_instruction_tool_call_and_function_response() throws Exception {
        JsonNode out = request("""
                {"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"weather in Paris?"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"18C"}]}""");

        assertThat(out.path("systemInstruction").toString()).isEqualTo("{\"parts\":[{\"text\":\"Be brief.\"}]}");
        assertThat(out.path("contents").toString()).isEqualTo("""
                [{"role":"user","parts":[{"text":"weather in Paris?"}]},{"role":"model","parts":[{"functionCall":{"name":"weather","args":{"city":"Paris"}}}]},{"role":"user","parts":[{"functionResponse":{"name":"weather","response":{"output":"18C"}}}]}]""");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "data:image/png;base64,iVBORw0KGgo= | {\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}",
        "https://example.com/cat.png?x=1 | {\"fileData\":{\"mimeType\":\"image/png\",\"fileUri\":\"https://example.com/cat.png?x=1\"}}",
        "https://example.com/photo | {\"fileData\":{\"mimeType\":\"image/jpeg\",\"fileUri\":\"https://example.com/photo\"}}"})
    void images_become_inline_data_or_file_data(String url, String expected) throws Exception {
        JsonNode out = request("""
                {"messages":[{"role":"user","content":[{"type":"text","text":"what?"},{"type":"image_url","image_url":{"url":"%s"}}]}]}""".formatted(url));

        assertThat(out.at("/contents/0/parts/1").toString()).isEqualTo(expected);
    }

    @Test
    void generation_config_maps_every_sampling_parameter() throws Exception {
        JsonNode out = request("""
                {"messages":[{"role":"user","content":"x"}],"temperature":0.5,"top_p":0.8,"top_k":20,"seed":7,"n":2,
                 "max_completion_tokens":256,"stop":["END","STOP"],"presence_penalty":0.1,"frequency_penalty":0.2,
                 "logprobs":true,"top_logprobs":3,"reasoning_effort":"low","response_format":{"type":"json_object"}}""");

        assertThat(out.path("generationConfig").toString()).isEqualTo("""
                {"temperature":0.5,"topP":0.8,"topK":20,"seed":7,"presencePenalty":0.1,"frequencyPenalty":0.2,"maxOutputTokens":256,"stopSequences":["END","STOP"],"candidateCount":2,"responseLogprobs":true,"logprobs":3,"responseMimeType":"application/json","thinkingConfig":{"thinkingBudget":1024}}""");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // a schema Gemini's Schema type can hold is converted
        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":[\"string\",\"null\"]},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"enum\":[\"a\",\"b\"]}}},\"required\":[\"name\"]} | responseSchema | {\"type\":\"OBJECT\",\"properties\":{\"name\":{\"nullable\":true,\"type\":\"STRING\"},\"tags\":{\"type\":\"ARRAY\",\"items\":{\"type\":\"STRING\",\"enum\":[\"a\",\"b\"]}}},\"required\":[\"name\"]}",
        // one it cannot (additionalProperties) goes whole as JSON Schema
        "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"additionalProperties\":false} | responseJsonSchema | {\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"additionalProperties\":false}"})
    void json_schema_becomes_response_schema_or_response_json_schema(String schema, String field, String expected) throws Exception {
        JsonNode config = request("""
                {"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"t","schema":%s}}}""".formatted(schema))
                .path("generationConfig");

        assertThat(config.path("responseMimeType").asText()).isEqualTo("application/json");
        assertThat(config.path(field).toString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"auto\" | {\"mode\":\"AUTO\"}",
        "\"none\" | {\"mode\":\"NONE\"}",
        "\"required\" | {\"mode\":\"ANY\"}",
        "{\"type\":\"function\",\"function\":{\"name\":\"weather\"}} | {\"mode\":\"ANY\",\"allowedFunctionNames\":[\"weather\"]}"})
    void tools_become_function_declarations_and_tool_choice_a_calling_mode(String choice, String expected) throws Exception {
        JsonNode out = request("""
                {"messages":[{"role":"user","content":"x"}],"tool_choice":%s,"tools":[{"type":"function","function":{"name":"weather","description":"Weather now","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]}""".formatted(choice));

        assertThat(out.path("tools").toString()).isEqualTo("""
                [{"functionDeclarations":[{"name":"weather","description":"Weather now","parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"}},"required":["city"]}}]}]""");
        assertThat(out.path("toolConfig").path("functionCallingConfig").toString()).isEqualTo(expected);
    }

    @Test
    void a_tool_result_for_an_unknown_call_is_an_invalid_request() {
        assertThatThrownBy(() -> request("""
                {"messages":[{"role":"user","content":"x"},{"role":"tool","tool_call_id":"call_9","content":"18C"}]}"""))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.error().type()).isEqualTo(ErrorType.INVALID_REQUEST));
    }

    @ParameterizedTest
    @CsvSource({"STOP, stop", "MAX_TOKENS, length", "SAFETY, content_filter", "RECITATION, content_filter",
        "BLOCKLIST, content_filter", "PROHIBITED_CONTENT, content_filter", "SPII, content_filter", "OTHER, stop"})
    void finish_reasons(String gemini, String openAi) {
        assertThat(GeminiWire.finishReason(gemini)).isEqualTo(openAi);
    }

    @Test
    void candidates_become_choices_with_function_calls_and_thinking_counted_as_completion() throws Exception {
        JsonNode response = mapper.readTree("""
                {"candidates":[{"content":{"role":"model","parts":[{"text":"thinking...","thought":true},{"text":"Checking."},{"functionCall":{"name":"weather","args":{"city":"Paris"}}}]},"finishReason":"STOP","index":0}],
                 "usageMetadata":{"promptTokenCount":100,"candidatesTokenCount":20,"thoughtsTokenCount":30,"cachedContentTokenCount":64,"totalTokenCount":150},
                 "modelVersion":"gemini-2.5-flash","responseId":"resp-1"}""");

        JsonNode out = GeminiWire.response(mapper, response, "gemini-2.5-flash", "fallback", 1_700_000_000L);

        assertThat(out.toString()).isEqualTo("""
                {"id":"resp-1","object":"chat.completion","created":1700000000,"model":"gemini-2.5-flash","choices":[{"index":0,"message":{"role":"assistant","content":"Checking.","refusal":null,"tool_calls":[{"id":"call_resp-1_0_0","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},"logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":100,"completion_tokens":50,"total_tokens":150,"prompt_tokens_details":{"cached_tokens":64}}}""");
        assertThat(GeminiWire.usage(response)).isEqualTo(new Usage(100, 50, 64));
    }

    @Test
    void a_blocked_prompt_is_reported() throws Exception {
        assertThat(GeminiWire.blockReason(mapper.readTree("{\"promptFeedback\":{\"blockReason\":\"SAFETY\"},\"usageMetadata\":{\"promptTokenCount\":8}}")))
                .isEqualTo("SAFETY");
        assertThat(GeminiWire.blockReason(mapper.readTree("{\"candidates\":[]}"))).isNull();
    }

    @Test
    void embeddings_single_and_batch() throws Exception {
        JsonNode body = mapper.readTree("{\"input\":[\"a\",\"b\"],\"dimensions\":256}");

        assertThat(GeminiWire.embedRequest(mapper, "a", body).toString())
                .isEqualTo("{\"content\":{\"parts\":[{\"text\":\"a\"}]},\"outputDimensionality\":256}");
        assertThat(GeminiWire.batchEmbedRequest(mapper, List.of("a", "b"), body, "gemini-embedding-001").toString()).isEqualTo("""
                {"requests":[{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"a"}]},"outputDimensionality":256},{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"b"}]},"outputDimensionality":256}]}""");
        assertThat(GeminiWire.vectors(mapper.readTree("{\"embeddings\":[{\"values\":[0.1,0.2]},{\"values\":[0.3,0.4]}]}")))
                .extracting(JsonNode::toString).containsExactly("[0.1,0.2]", "[0.3,0.4]");
        assertThat(GeminiWire.vectors(mapper.readTree("{\"embedding\":{\"values\":[0.5]}}")))
                .extracting(JsonNode::toString).containsExactly("[0.5]");
    }
}
