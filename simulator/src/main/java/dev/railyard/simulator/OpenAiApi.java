package dev.railyard.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Function;

/**
 * The OpenAI API as the simulator plays it, and Azure OpenAI's deployment paths answering the same way:
 * authentication, validation, then the shared {@link Pipeline}. Pure request-to-reply logic; HTTP is
 * {@link Simulator}'s job.
 */
final class OpenAiApi {
    private static final List<String> MODELS = List.of("gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano",
            "text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002");
    private static final long MODELS_CREATED = 1_715_367_049L;

    private final ObjectMapper mapper;
    private final OpenAiErrors errors;
    private final Pipeline pipeline;
    private final ChatCompletions chat;
    private final Embeddings embeddings;

    OpenAiApi(ObjectMapper mapper, SimulatorSettings settings, Tokenizer tokenizer, Pipeline pipeline) {
        this.mapper = mapper;
        this.errors = new OpenAiErrors(mapper, settings.retryAfterMs());
        this.pipeline = pipeline;
        this.chat = new ChatCompletions(mapper, errors, tokenizer);
        this.embeddings = new Embeddings(mapper, errors, tokenizer);
    }

    Reply chatCompletions(String authorization, String body) {
        return handle(authorization, body, chat::prepare);
    }

    Reply embeddings(String authorization, String body) {
        return handle(authorization, body, embeddings::prepare);
    }

    /**
     * {@code POST /openai/deployments/{deployment}/chat/completions?api-version=…}: Azure wants an
     * {@code api-key} header (or an Entra ID bearer token) and answers 404 without {@code api-version}.
     */
    Reply azureChatCompletions(String deployment, String apiVersion, String apiKey, String authorization, String body) {
        return azure(deployment, apiVersion, apiKey, authorization, body, chat::prepare);
    }

    Reply azureEmbeddings(String deployment, String apiVersion, String apiKey, String authorization, String body) {
        return azure(deployment, apiVersion, apiKey, authorization, body, embeddings::prepare);
    }

    Reply models(String authorization) {
        Reply denied = authenticate(authorization);
        if (denied != null) {
            return errors.finish(denied, RateLimits.Verdict.UNLIMITED);
        }
        ObjectNode root = mapper.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String id : MODELS) {
            data.addObject().put("id", id).put("object", "model").put("created", MODELS_CREATED).put("owned_by", "system");
        }
        return errors.finish(Reply.json(200, bytes(root)).delayed(pipeline.latencyMs()), RateLimits.Verdict.UNLIMITED);
    }

    Reply unknownUrl(String method, String path) {
        return errors.finish(errors.unknownUrl(method, path), RateLimits.Verdict.UNLIMITED);
    }

    private Reply azure(String deployment, String apiVersion, String apiKey, String authorization, String body,
                        Function<JsonNode, Prepared> operation) {
        if (apiVersion == null || apiVersion.isBlank()) {
            return errors.finish(errors.azureNotFound(), RateLimits.Verdict.UNLIMITED);
        }
        String key = apiKey != null && !apiKey.isBlank() ? apiKey
                : authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim() : "";
        if (key.isBlank()) {
            return errors.finish(errors.azureAccessDenied(), RateLimits.Verdict.UNLIMITED);
        }
        // Azure takes the model from the deployment; a model in the body is ignored.
        return run(key, body, json -> {
            json.put("model", json.path("model").isTextual() && !json.path("model").asText().isEmpty()
                    ? json.path("model").asText() : deployment);
            return operation.apply(json);
        });
    }

    private Reply handle(String authorization, String body, Function<JsonNode, Prepared> operation) {
        Reply denied = authenticate(authorization);
        if (denied != null) {
            return errors.finish(denied, RateLimits.Verdict.UNLIMITED);
        }
        return run(authorization.substring(7).trim(), body, operation::apply);
    }

    private Reply run(String key, String body, Function<ObjectNode, Prepared> operation) {
        JsonNode json;
        try {
            json = body == null ? null : mapper.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            return errors.finish(errors.invalid("We could not parse the JSON body of your request. (HINT: This likely "
                    + "means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what "
                    + "was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us "
                    + "through our help center at help.openai.com.)", null, null), RateLimits.Verdict.UNLIMITED);
        }
        return pipeline.run(key, body, operation.apply((ObjectNode) json), errors);
    }

    private Reply authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return errors.missingKey();
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.substring(7).isBlank()) {
            return errors.incorrectKey();
        }
        return null;
    }

    private byte[] bytes(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JSON type names as OpenAI's validation messages spell them. */
    static String typeName(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a decimal";
            case BOOLEAN -> "a boolean";
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            default -> "null";
        };
    }
}
