package dev.railyard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.schema.event.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiWireTest {
    private final ObjectMapper mapper = new ObjectMapper();

    @ParameterizedTest
    @CsvSource({
        "https://api.openai.com/v1, /v1/chat/completions, https://api.openai.com/v1/chat/completions",
        "http://127.0.0.1:8090/v1, /v1/embeddings, http://127.0.0.1:8090/v1/embeddings",
        "https://example.azure.com/openai/v1, /v1/chat/completions, https://example.azure.com/openai/v1/chat/completions"})
    void endpoint_paths_drop_their_v1_prefix_under_the_base_url(String baseUrl, String endpoint, String expected) {
        assertThat(OpenAiWire.url(baseUrl, endpoint)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "https://contoso.openai.azure.com, gpt-4o-prod, /v1/chat/completions, 2024-10-21, https://contoso.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21",
        "http://127.0.0.1:8090, text-embedding-3-small, /v1/embeddings, 2025-01-01-preview, http://127.0.0.1:8090/openai/deployments/text-embedding-3-small/embeddings?api-version=2025-01-01-preview"})
    void azure_urls_name_the_deployment_and_api_version(String baseUrl, String deployment, String endpoint, String version, String expected) {
        assertThat(OpenAiWire.azureUrl(baseUrl, deployment, endpoint, version)).isEqualTo(expected);
    }

    @Test
    void the_request_names_the_providers_model_and_does_not_stream() throws Exception {
        JsonNode job = mapper.readTree("""
                {"model":"fast-and-cheap","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true},"temperature":0.2}""");

        JsonNode sent = mapper.readTree(OpenAiWire.requestBody(mapper, job, "gpt-4o-mini-2024-07-18"));

        assertThat(sent.path("model").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(sent.has("stream")).isFalse();
        assertThat(sent.has("stream_options")).isFalse();
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(job.path("model").asText()).isEqualTo("fast-and-cheap"); // the job itself is untouched
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":10,\"total_tokens\":29,\"prompt_tokens_details\":{\"cached_tokens\":8}}} | 19 | 10 | 8",
        "{\"usage\":{\"prompt_tokens\":8,\"total_tokens\":8}} | 8 | 0 | 0",
        "{\"choices\":[]} | 0 | 0 | 0"})
    void usage_is_read_in_openais_terms(String body, long prompt, long completion, long cached) throws Exception {
        assertThat(OpenAiWire.usage(mapper.readTree(body))).isEqualTo(new Usage(prompt, completion, cached));
    }

    @ParameterizedTest
    @CsvSource(nullValues = "ok", delimiter = '|', value = {
        "/v1/chat/completions | {\"choices\":[{\"index\":0}]} | ok",
        "/v1/chat/completions | {\"choices\":[]} | the body has no choices",
        "/v1/chat/completions | {\"id\":\"x\"} | the body has no choices",
        "/v1/embeddings | {\"data\":[{\"index\":0}]} | ok",
        "/v1/embeddings | {\"choices\":[{}]} | the body has no data",
        "/v1/embeddings | [1,2] | the body is not a JSON object"})
    void a_success_body_must_hold_the_endpoints_results(String endpoint, String body, String problem) throws Exception {
        assertThat(OpenAiWire.missingResult(endpoint, mapper.readTree(body))).isEqualTo(problem);
    }
}
