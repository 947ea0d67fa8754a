package dev.railyard.provider.translation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TranslationsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REQUEST = """
            {"model":"m","temperature":0.2,"max_tokens":256,"messages":[
              {"role":"system","content":"You are a terse travel assistant."},
              {"role":"user","content":"Is it warm in Lisbon in May?"},
              {"role":"assistant","content":"Usually, yes: around 22 degrees."},
              {"role":"user","content":"And today?"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather",
               "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]}""";

    static Stream<Arguments> families() {
        return Stream.of(
                Arguments.of("openai-compatible", "\"messages\"",
                        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
                                + "\"message\":{\"role\":\"assistant\",\"content\":\"Sunny.\"},\"finish_reason\":\"stop\"}],"
                                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}"),
                Arguments.of("anthropic", "\"system\":\"You are a terse travel assistant.\"",
                        "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\",\"content\":[{\"type\":\"text\","
                                + "\"text\":\"Sunny.\"}],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":5,\"output_tokens\":2}}"),
                Arguments.of("gemini", "\"systemInstruction\"",
                        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Sunny.\"}],\"role\":\"model\"},\"finishReason\":\"STOP\","
                                + "\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":5,\"candidatesTokenCount\":2}}"),
                Arguments.of("bedrock", "\"toolConfig\"",
                        "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"Sunny.\"}]}},\"stopReason\":\"end_turn\","
                                + "\"usage\":{\"inputTokens\":5,\"outputTokens\":2,\"totalTokens\":7}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void each_family_translates_a_chat_request_out_and_its_answer_back(String type, String marker, String answer) throws Exception {
        Translation t = Translations.of(type, JSON);

        String request = new String(t.request(JSON.readTree(REQUEST), "provider-model"), StandardCharsets.UTF_8);
        JsonNode completion = t.response(answer.getBytes(StandardCharsets.UTF_8), "provider-model");

        assertThat(t.family()).isEqualTo(type);
        assertThat(request).contains(marker).contains("get_weather").contains("And today?");
        assertThat(completion.path("choices").path(0).path("message").path("content").asText()).isEqualTo("Sunny.");
        assertThat(completion.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void an_unknown_type_has_no_translation() {
        assertThatThrownBy(() -> Translations.of("carrier-pigeon", JSON)).hasMessageContaining("carrier-pigeon");
        assertThat(Translations.FAMILIES).containsExactly("openai-compatible", "anthropic", "gemini", "bedrock");
    }
}
