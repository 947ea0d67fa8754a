package dev.railyard.provider.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.schema.event.Endpoint;
import dev.railyard.schema.event.Usage;
import java.io.UncheckedIOException;

/** The OpenAI wire format: request paths and bodies out, usage and result checks in. */
final class OpenAiWire {
    private static final String VERSION_PREFIX = "/v1";

    private OpenAiWire() {
    }

    /** Base URLs end with {@code /v1}, job endpoints start with it: {@code /v1/embeddings} → {@code /embeddings}. */
    static String url(String baseUrl, String endpoint) {
        String path = endpoint.startsWith(VERSION_PREFIX + "/") ? endpoint.substring(VERSION_PREFIX.length()) : endpoint;
        return baseUrl + path;
    }

    /**
     * Azure OpenAI's deployment URL: {@code {base}/openai/deployments/{deployment}/chat/completions?api-version=...}
     * (https://learn.microsoft.com/azure/ai-services/openai/reference).
     */
    static String azureUrl(String baseUrl, String deployment, String endpoint, String apiVersion) {
        String path = endpoint.startsWith(VERSION_PREFIX + "/") ? endpoint.substring(VERSION_PREFIX.length()) : endpoint;
        return baseUrl + "/openai/deployments/" + java.net.URLEncoder.encode(deployment, java.nio.charset.StandardCharsets.UTF_8)
                + path + "?api-version=" + java.net.URLEncoder.encode(apiVersion, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The job's body with {@code model} set to the deployment's provider model. Streaming is switched
     * off: a job's result is one JSON document.
     */
    static byte[] requestBody(ObjectMapper mapper, JsonNode body, String providerModel) {
        ObjectNode copy = body != null && body.isObject() ? ((ObjectNode) body).deepCopy() : mapper.createObjectNode();
        copy.put("model", providerModel);
        copy.remove("stream");
        copy.remove("stream_options");
        try {
            return mapper.writeValueAsBytes(copy);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The job's body as a streaming request: {@code stream: true}, and the usage asked for in a last
     * chunk ({@code stream_options.include_usage}), without which a streamed answer could not be billed.
     */
    static byte[] streamingRequestBody(ObjectMapper mapper, JsonNode body, String providerModel) {
        ObjectNode copy = body != null && body.isObject() ? ((ObjectNode) body).deepCopy() : mapper.createObjectNode();
        copy.put("model", providerModel);
        copy.put("stream", true);
        copy.putObject("stream_options").put("include_usage", true);
        try {
            return mapper.writeValueAsBytes(copy);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** OpenAI's usage object in the schema's terms; {@link Usage#NONE} when the body has none. */
    static Usage usage(JsonNode body) {
        JsonNode usage = body.path("usage");
        if (!usage.isObject()) {
            return Usage.NONE;
        }
        return new Usage(usage.path("prompt_tokens").asLong(0), usage.path("completion_tokens").asLong(0),
                usage.path("prompt_tokens_details").path("cached_tokens").asLong(0));
    }

    /** Why a 200 body is not a result for its endpoint, or null when it is one. */
    static String missingResult(String endpoint, JsonNode body) {
        if (body == null || !body.isObject()) {
            return "the body is not a JSON object";
        }
        boolean embeddings = Endpoint.EMBEDDINGS.path().equals(endpoint);
        String field = embeddings ? "data" : "choices";
        JsonNode results = body.get(field);
        if (results == null || !results.isArray() || results.isEmpty()) {
            return "the body has no " + field;
        }
        return null;
    }
}
