package dev.railyard.provider.capability;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.provider.ProviderException;
import dev.railyard.provider.http.ProviderFailures;
import dev.railyard.schema.event.Endpoint;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The OpenAI request parameters Railyard knows, and the check that a job asks only for what its
 * provider can do: a parameter is mapped, or the job fails with {@code unsupported_parameter} naming
 * it and the provider, never silently dropped. A parameter at its neutral value (n = 1,
 * logprobs = false...) asks for nothing and passes everywhere.
 */
public final class Parameters {
    public static final List<String> CHAT = List.of("temperature", "top_p", "top_k", "seed", "n", "stop",
            "max_tokens", "max_completion_tokens", "response_format", "logprobs", "top_logprobs", "tools",
            "tool_choice", "parallel_tool_calls", "reasoning_effort", "frequency_penalty", "presence_penalty", "user");
    public static final List<String> EMBEDDINGS = List.of("dimensions", "encoding_format", "user");

    /** What carries the request itself rather than tuning it. Streaming is switched off for jobs by every adapter. */
    private static final Set<String> CHAT_CARRIERS = Set.of("model", "messages", "stream", "stream_options");
    private static final Set<String> EMBEDDING_CARRIERS = Set.of("model", "input");

    private static final Map<String, Predicate<JsonNode>> NEUTRAL = Map.of(
            "n", v -> v.asInt() == 1,
            "logprobs", v -> v.isBoolean() && !v.asBoolean(),
            "top_logprobs", v -> v.asInt() == 0,
            "parallel_tool_calls", v -> v.isBoolean() && v.asBoolean(),
            "frequency_penalty", v -> v.isNumber() && v.asDouble() == 0,
            "presence_penalty", v -> v.isNumber() && v.asDouble() == 0,
            "response_format", v -> "text".equals(v.path("type").asText()),
            "encoding_format", v -> "float".equals(v.asText()),
            "store", v -> v.isBoolean() && !v.asBoolean());

    private Parameters() {
    }

    /** Throws the job's failure when it asks for something {@code capabilities} do not cover. */
    public static void check(Capabilities capabilities, String endpoint, JsonNode body) throws ProviderException {
        boolean embeddings = Endpoint.EMBEDDINGS.path().equals(endpoint);
        if (embeddings && !capabilities.embeddings()) {
            throw ProviderFailures.invalid(capabilities.type() + " has no embeddings endpoint");
        }
        if (!embeddings && !capabilities.chat()) {
            throw ProviderFailures.invalid(capabilities.type() + " has no chat endpoint");
        }
        Set<String> carriers = embeddings ? EMBEDDING_CARRIERS : CHAT_CARRIERS;
        List<String> known = embeddings ? EMBEDDINGS : CHAT;
        Set<String> supported = embeddings ? capabilities.embeddingParameters() : capabilities.chatParameters();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (carriers.contains(name) || value.isNull() || NEUTRAL.getOrDefault(name, v -> false).test(value)) {
                continue;
            }
            if (!known.contains(name)) {
                if (capabilities.passesUnknownParameters()) {
                    continue;
                }
                throw ProviderFailures.unsupported(name, capabilities.type());
            }
            if (!supported.contains(name)) {
                throw ProviderFailures.unsupported(name, capabilities.type());
            }
            if ("response_format".equals(name) && "json_schema".equals(value.path("type").asText()) && !capabilities.jsonSchema()) {
                throw ProviderFailures.unsupported("response_format json_schema", capabilities.type());
            }
        }
    }
}
