package dev.railyard.provider.bedrock;

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

class BedrockWireTest {
    private final ObjectMapper mapper = new ObjectMapper();

    private JsonNode converse(String openAiBody) throws Exception {
        return BedrockWire.converse(mapper, mapper.readTree(openAiBody));
    }

    @Test
    void conversation_system_inference_config_and_tool_blocks() throws Exception {
        JsonNode out = converse("""
                {"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"what is it?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},
                 {"role":"assistant","content":"Checking.","tool_calls":[{"id":"tooluse_1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                 {"role":"tool","tool_call_id":"tooluse_1","content":"18C"}],
                 "max_tokens":300,"temperature":0.2,"top_p":0.9,"stop":"END",
                 "tools":[{"type":"function","function":{"name":"weather","description":"Weather now","parameters":{"type":"object"}}}],"tool_choice":"required"}""");

        assertThat(out.toString()).isEqualTo("""
                {"messages":[{"role":"user","content":[{"text":"what is it?"},{"image":{"format":"png","source":{"bytes":"iVBORw0KGgo="}}}]},{"role":"assistant","content":[{"text":"Checking."},{"toolUse":{"toolUseId":"tooluse_1","name":"weather","input":{"city":"Paris"}}}]},{"role":"user","content":[{"toolResult":{"toolUseId":"tooluse_1","content":[{"text":"18C"}]}}]}],"system":[{"text":"Be brief."}],"inferenceConfig":{"maxTokens":300,"temperature":0.2,"topP":0.9,"stopSequences":["END"]},"toolConfig":{"tools":[{"toolSpec":{"name":"weather","description":"Weather now","inputSchema":{"json":{"type":"object"}}}}],"toolChoice":{"any":{}}}}""");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"auto\" | {\"auto\":{}}",
        "{\"type\":\"function\",\"function\":{\"name\":\"weather\"}} | {\"tool\":{\"name\":\"weather\"}}"})
    void tool_choice(String choice, String expected) throws Exception {
        JsonNode out = converse("""
                {"messages":[{"role":"user","content":"x"}],"tool_choice":%s,"tools":[{"type":"function","function":{"name":"weather"}}]}""".formatted(choice));

        assertThat(out.at("/toolConfig/toolChoice").toString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tool_choice\":\"none\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]} | tool_choice 'none'",
        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}]}]} | remote URL"})
    void what_converse_cannot_express_fails_naming_it(String body, String named) {
        assertThatThrownBy(() -> converse(body)).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.error().type()).isEqualTo(ErrorType.UNSUPPORTED_PARAMETER);
            assertThat(e.error().message()).contains(named).contains("bedrock");
        });
    }

    @ParameterizedTest
    @CsvSource({"end_turn, stop", "stop_sequence, stop", "max_tokens, length", "tool_use, tool_calls",
        "guardrail_intervened, content_filter", "content_filtered, content_filter"})
    void stop_reasons(String stopReason, String finishReason) {
        assertThat(BedrockWire.finishReason(stopReason)).isEqualTo(finishReason);
    }

    @Test
    void a_converse_answer_becomes_a_chat_completion() throws Exception {
        JsonNode response = mapper.readTree("""
                {"output":{"message":{"role":"assistant","content":[{"text":"Checking."},{"toolUse":{"toolUseId":"tooluse_9","name":"weather","input":{"city":"Rome"}}}]}},
                 "stopReason":"tool_use","usage":{"inputTokens":30,"outputTokens":12,"totalTokens":42,"cacheReadInputTokens":8,"cacheWriteInputTokens":2},"metrics":{"latencyMs":321}}""");

        JsonNode out = BedrockWire.response(mapper, response, "chatcmpl-req1", "anthropic.claude-3-5-haiku-20241022-v1:0", 1_700_000_000L);

        assertThat(out.toString()).isEqualTo("""
                {"id":"chatcmpl-req1","object":"chat.completion","created":1700000000,"model":"anthropic.claude-3-5-haiku-20241022-v1:0","choices":[{"index":0,"message":{"role":"assistant","content":"Checking.","refusal":null,"tool_calls":[{"id":"tooluse_9","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Rome\\"}"}}]},"logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":40,"completion_tokens":12,"total_tokens":52,"prompt_tokens_details":{"cached_tokens":8}}}""");
        assertThat(BedrockWire.usage(response)).isEqualTo(new Usage(40, 12, 8));
    }

    @ParameterizedTest
    @CsvSource({"amazon.titan-embed-text-v2:0, /model/amazon.titan-embed-text-v2%3A0/invoke",
        "anthropic.claude-3-5-haiku-20241022-v1:0, /model/anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke"})
    void model_ids_are_encoded_in_the_path_as_the_sdk_does(String modelId, String path) {
        assertThat(BedrockWire.path(modelId, "invoke")).isEqualTo(path);
    }

    @ParameterizedTest
    @CsvSource({"amazon.titan-embed-text-v2:0, TITAN", "cohere.embed-english-v3, COHERE", "us.cohere.embed-multilingual-v3, COHERE"})
    void embedding_families_by_model_id(String modelId, BedrockWire.EmbeddingFamily family) {
        assertThat(BedrockWire.embeddingFamily(modelId)).isEqualTo(family);
    }

    @Test
    void embedding_bodies_for_titan_and_cohere() throws Exception {
        assertThat(BedrockWire.titan(mapper, "hello", mapper.readTree("{\"dimensions\":512}")).toString())
                .isEqualTo("{\"inputText\":\"hello\",\"dimensions\":512}");
        assertThat(BedrockWire.cohere(mapper, List.of("a", "b"), mapper.readTree("{}")).toString())
                .isEqualTo("{\"texts\":[\"a\",\"b\"],\"input_type\":\"search_document\"}");
        assertThatThrownBy(() -> BedrockWire.embeddingFamily("meta.llama3-8b-instruct-v1:0"))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.error().type()).isEqualTo(ErrorType.UNSUPPORTED_PARAMETER));
    }
}
