package dev.railyard.provider.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The oracles bite: each spec check rejects a request its provider would reject. */
class SpecsTest {
    private final ObjectMapper json = new ObjectMapper();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":\"hot\"}",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}]}"})
    void openai_requests_are_validated_against_the_openapi_schema(String body) throws Exception {
        assertThat(Specs.openAi("CreateChatCompletionRequest", json.readTree(body))).isNotEmpty();
    }

    @Test
    void a_valid_openai_request_passes() throws Exception {
        assertThat(Specs.openAi("CreateChatCompletionRequest", json.readTree("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],\"generation_config\":{}} | no field 'generation_config'",
        "{\"contents\":[{\"parts\":[{\"image\":{}}]}]} | no field 'image' in Part",
        "{\"contents\":[],\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"REQUIRED\"}}} | not a value of enum Mode",
        "{\"contents\":{\"parts\":[]}} | expected an array"})
    void gemini_requests_are_walked_through_the_protobuf_descriptor(String body, String problem) throws Exception {
        assertThat(Specs.gemini("GenerateContentRequest", json.readTree(body))).anySatisfy(p -> assertThat(p).contains(problem));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"modelId\":\"m\",\"messages\":[]} | belongs in the URL",
        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"a\",\"image\":{}}]}]} | exactly one member",
        "{\"messages\":[{\"role\":\"system\",\"content\":[{\"text\":\"a\"}]}]} | is not one of",
        "{\"messages\":[{\"content\":[{\"text\":\"a\"}]}]} | required member 'role'",
        "{\"messages\":[],\"inferenceConfig\":{\"max_tokens\":5}} | no member 'max_tokens'"})
    void bedrock_requests_are_walked_through_the_smithy_model(String body, String problem) throws Exception {
        assertThat(Specs.bedrock("ConverseRequest", json.readTree(body))).anySatisfy(p -> assertThat(p).contains(problem));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"model\":\"m\",\"messages\":[]} | required 'max_tokens'",
        "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"n\":2} | 'n' is not a documented field",
        "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"system\",\"content\":[]}]} | .role: 'system'",
        "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"url\",\"data\":\"x\"}}]}]} | 'data' is not a documented field"})
    void anthropic_requests_are_checked_against_the_documented_format(String body, String problem) throws Exception {
        assertThat(Specs.anthropic(json.readTree(body))).anySatisfy(p -> assertThat(p).contains(problem));
    }
}
