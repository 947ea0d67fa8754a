package dev.railyard.provider.capability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.provider.ProviderException;
import dev.railyard.provider.anthropic.AnthropicAdapter;
import dev.railyard.provider.bedrock.BedrockAdapter;
import dev.railyard.provider.gemini.GeminiAdapter;
import dev.railyard.provider.openai.OpenAiCompatibleAdapter;
import dev.railyard.schema.event.ErrorType;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParametersTest {
    private static final Map<String, Capabilities> FAMILIES = Map.of(
            "openai-compatible", OpenAiCompatibleAdapter.OPENAI_COMPATIBLE, "azure-openai", OpenAiCompatibleAdapter.AZURE_OPENAI,
            "anthropic", AnthropicAdapter.CAPABILITIES, "gemini", GeminiAdapter.CAPABILITIES, "bedrock", BedrockAdapter.CAPABILITIES);
    private final ObjectMapper mapper = new ObjectMapper();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "anthropic | {\"logprobs\":true} | logprobs",
        "anthropic | {\"seed\":1} | seed",
        "anthropic | {\"n\":3} | n",
        "anthropic | {\"response_format\":{\"type\":\"json_object\"}} | response_format",
        "anthropic | {\"frequency_penalty\":0.5} | frequency_penalty",
        "anthropic | {\"logit_bias\":{\"1\":5}} | logit_bias",
        "gemini | {\"user\":\"u\"} | user",
        "gemini | {\"parallel_tool_calls\":false} | parallel_tool_calls",
        "bedrock | {\"top_k\":5} | top_k",
        "bedrock | {\"reasoning_effort\":\"high\"} | reasoning_effort",
        "bedrock | {\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{}}}} | response_format",
        "azure-openai | {\"top_k\":5} | top_k"})
    void a_parameter_the_provider_lacks_fails_the_job_naming_it(String family, String body, String parameter) {
        assertThatThrownBy(() -> Parameters.check(FAMILIES.get(family), "/v1/chat/completions", mapper.readTree(body)))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.error().type()).isEqualTo(ErrorType.UNSUPPORTED_PARAMETER);
                    assertThat(e.error().message()).isEqualTo("parameter '" + parameter + "' is not supported by " + family);
                    assertThat(e.retryable()).isFalse();
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "anthropic | {\"model\":\"m\",\"messages\":[],\"stream\":true,\"n\":1,\"logprobs\":false,\"parallel_tool_calls\":true,\"response_format\":{\"type\":\"text\"},\"seed\":null}",
        "gemini | {\"seed\":3,\"n\":2,\"logprobs\":true,\"top_logprobs\":2,\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{}}}}",
        "bedrock | {\"temperature\":0.1,\"top_p\":0.5,\"stop\":[\"x\"],\"max_completion_tokens\":5,\"frequency_penalty\":0}",
        "openai-compatible | {\"top_k\":5,\"logit_bias\":{\"1\":5},\"service_tier\":\"flex\"}"})
    void mapped_and_neutral_parameters_pass(String family, String body) {
        assertThatCode(() -> Parameters.check(FAMILIES.get(family), "/v1/chat/completions", mapper.readTree(body))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "anthropic | {\"input\":\"x\"} | anthropic has no embeddings endpoint | INVALID_REQUEST",
        "gemini | {\"input\":\"x\",\"encoding_format\":\"base64\"} | parameter 'encoding_format' is not supported by gemini | UNSUPPORTED_PARAMETER",
        "bedrock | {\"input\":\"x\",\"user\":\"u\"} | parameter 'user' is not supported by bedrock | UNSUPPORTED_PARAMETER"})
    void embeddings_requests_are_checked_too(String family, String body, String message, ErrorType type) {
        assertThatThrownBy(() -> Parameters.check(FAMILIES.get(family), "/v1/embeddings", mapper.readTree(body)))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.error().type()).isEqualTo(type);
                    assertThat(e.error().message()).isEqualTo(message);
                });
    }

    @org.junit.jupiter.api.Test
    void configured_quirks_remove_parameters_from_an_openai_compatible_provider() {
        Capabilities groq = OpenAiCompatibleAdapter.OPENAI_COMPATIBLE.without(Set.of("logprobs", "n"));

        assertThatThrownBy(() -> Parameters.check(groq, "/v1/chat/completions", mapper.readTree("{\"n\":2}")))
                .hasMessageContaining("parameter 'n' is not supported by openai-compatible");
    }
}
