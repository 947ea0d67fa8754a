package dev.railyard.simulator.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import com.knuddels.jtokkit.api.Encoding;
import dev.railyard.simulator.Directives;
import dev.railyard.simulator.Ids;
import dev.railyard.simulator.Pipeline;
import dev.railyard.simulator.Prepared;
import dev.railyard.simulator.RateLimits;
import dev.railyard.simulator.Reply;
import dev.railyard.simulator.SchemaSample;
import dev.railyard.simulator.SimulatorSettings;
import dev.railyard.simulator.TextGenerator;
import dev.railyard.simulator.Tokenizer;
import dev.railyard.simulator.Vectors;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Bedrock Runtime as the simulator plays it: {@code POST /model/{modelId}/converse}, its streaming twin
 * {@code POST /model/{modelId}/converse-stream} (AWS's binary event stream, {@link ConverseStreamFrames}) and
 * {@code POST /model/{modelId}/invoke} (Titan and Cohere embedding models), every request's SigV4 signature
 * verified against the configured AWS key pairs ({@link SigV4Verifier}). The model id may arrive
 * percent-encoded ({@code amazon.nova-lite-v1%3A0}), as the SDKs send it.
 */
public final class BedrockApi {
    private static final Set<String> BLOCKS = Set.of("text", "image", "document", "video", "toolUse", "toolResult",
            "guardContent", "reasoningContent", "cachePoint");
    private static final Set<Integer> TITAN_V2_DIMENSIONS = Set.of(256, 512, 1024);

    private final ObjectMapper mapper;
    private final BedrockErrors errors;
    private final BedrockStreamErrors streamErrors;
    private final Tokenizer tokenizer;
    private final Pipeline pipeline;
    private final SigV4Verifier verifier;
    private final TextGenerator text = new TextGenerator();

    public BedrockApi(ObjectMapper mapper, SimulatorSettings settings, Tokenizer tokenizer, Pipeline pipeline,
                      InstantSource clock) {
        this.mapper = mapper;
        this.errors = new BedrockErrors(mapper);
        this.streamErrors = new BedrockStreamErrors(mapper, errors);
        this.tokenizer = tokenizer;
        this.pipeline = pipeline;
        this.verifier = new SigV4Verifier(settings.awsCredentials(), clock);
    }

    /**
     * One call of {@code POST /model/{modelId}/{operation}}.
     *
     * @param rawPath the path as received, still percent-encoded: the signature covers it
     * @param query   the raw query string, or null
     * @param headers the request's headers by case-insensitive name
     */
    public Reply call(String method, String rawPath, String query, Function<String, String> headers, byte[] body,
                      String modelId, String operation) {
        SigV4Verifier.Result auth = verifier.verify(method, rawPath, query, headers, body);
        if (auth instanceof SigV4Verifier.Denied denied) {
            return errors.finish(errors.error(denied.status(), denied.errorType(), denied.message()), RateLimits.Verdict.UNLIMITED);
        }
        String accessKeyId = ((SigV4Verifier.Verified) auth).accessKeyId();
        String model = modelId.contains("%") ? URLDecoder.decode(modelId.replace("+", "%2B"), StandardCharsets.UTF_8) : modelId;
        String raw = new String(body, StandardCharsets.UTF_8);
        JsonNode json;
        try {
            json = raw.isBlank() ? null : mapper.readTree(raw);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            return errors.finish(errors.error(400, "SerializationException", "Unexpected token in the request body."),
                    RateLimits.Verdict.UNLIMITED);
        }
        Prepared prepared = switch (operation) {
            case "converse" -> converse(model, json, false);
            case "converse-stream" -> converse(model, json, true);
            case "invoke" -> invoke(model, json);
            default -> new Prepared.Rejected(errors.validation("The simulator does not serve " + operation
                    + "; use converse, converse-stream or invoke."));
        };
        return pipeline.run(accessKeyId, raw, prepared, "converse-stream".equals(operation) ? streamErrors : errors);
    }

    public Reply unknownOperation() {
        return errors.finish(errors.unknownOperation(), RateLimits.Verdict.UNLIMITED);
    }

    // ---- Converse ----

    private Prepared converse(String model, JsonNode body, boolean stream) {
        JsonNode messages = body.path("messages");
        if (!messages.isArray()) {
            return reject("1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must "
                    + "not be null");
        }
        if (messages.isEmpty()) {
            return reject("A conversation must start with a user message. Try again with a conversation that starts with a "
                    + "user message.");
        }
        Encoding encoding = tokenizer.encodingFor(model);
        Directives directives = Directives.NONE;
        int tokens = 0;
        for (JsonNode block : body.path("system")) {
            tokens += tokenizer.count(encoding, block.path("text").asText(""));
            directives = directives.merge(block.path("text").asText(null));
        }
        String lastUserText = "";
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asText("");
            if (!role.equals("user") && !role.equals("assistant")) {
                return reject("1 validation error detected: Value '" + role + "' at 'messages." + (i + 1) + ".member.role' "
                        + "failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]");
            }
            if (i == 0 && !role.equals("user")) {
                return reject("A conversation must start with a user message. Try again with a conversation that starts "
                        + "with a user message.");
            }
            JsonNode content = m.path("content");
            if (!content.isArray() || content.isEmpty()) {
                return reject("The content field in the Message object at messages." + i + " is empty. Add a ContentBlock "
                        + "object to the content field and try again.");
            }
            StringBuilder texts = new StringBuilder();
            for (JsonNode block : content) {
                if (block.size() != 1 || !BLOCKS.contains(block.fieldNames().next())) {
                    return reject("The model returned the following errors: messages." + i + ".content: each ContentBlock "
                            + "must set exactly one of " + BLOCKS);
                }
                if (block.has("text")) {
                    texts.append(block.get("text").asText());
                } else if (block.has("image") || block.has("document") || block.has("video")) {
                    tokens += Tokenizer.TOKENS_PER_IMAGE;
                } else {
                    tokens += tokenizer.count(encoding, block.toString());
                }
            }
            tokens += tokenizer.count(encoding, texts.toString());
            directives = directives.merge(texts.toString());
            if (role.equals("user")) {
                lastUserText = i == messages.size() - 1 ? texts.toString() : "";
            }
        }
        JsonNode config = body.path("inferenceConfig");
        JsonNode max = config.path("maxTokens");
        if (!max.isMissingNode() && (!max.isIntegralNumber() || max.asInt() < 1)) {
            return reject("1 validation error detected: Value '" + max.asText() + "' at 'inferenceConfig.maxTokens' failed to "
                    + "satisfy constraint: Member must have value greater than or equal to 1");
        }
        JsonNode tools = body.path("toolConfig").path("tools");
        if (tools.isArray()) {
            tokens += tokenizer.count(encoding, tools.toString());
        }
        // Only a [sim:tool] in the last user turn calls a tool, so a tool loop ends once results come back.
        JsonNode spec = tools.path(0).path("toolSpec");
        JsonNode tool = Directives.NONE.merge(lastUserText).tool() && spec.isObject() ? spec : null;
        Integer maxTokens = max.isIntegralNumber() ? max.asInt() : null;
        int promptTokens = tokens;
        Directives d = directives;
        String seedText = messages.toString();
        return new Prepared.Accepted(model, d, promptTokens, contextWindow(model), "messages",
                latency -> {
                    Answer answer = converseAnswer(encoding, seedText, maxTokens, tool, d.contentFilter() || d.safety());
                    return stream ? ConverseStreamFrames.reply(mapper, answer, promptTokens, latency)
                            : converseReply(answer, promptTokens, latency);
                });
    }

    /**
     * What the model says, streamed or not: a text or one tool call (or nothing, when filtered).
     *
     * @param text     the text, or null
     * @param toolUse  the {@code toolUse} block ({@code toolUseId}, {@code name}, {@code input}), or null
     */
    record Answer(String text, ObjectNode toolUse, int outputTokens, String stopReason) {
    }

    private Answer converseAnswer(Encoding encoding, String seedText, Integer maxTokens, JsonNode tool, boolean filtered) {
        if (filtered) {
            return new Answer(null, null, 0, "content_filtered");
        }
        if (tool != null) {
            String name = tool.path("name").asText("tool");
            JsonNode input = SchemaSample.of(tool.path("inputSchema").path("json"));
            ObjectNode use = mapper.createObjectNode();
            use.put("toolUseId", "tooluse_" + Ids.base62(22));
            use.put("name", name);
            use.set("input", input);
            return new Answer(null, use, tokenizer.count(encoding, name + input), "tool_use");
        }
        Tokenizer.Completion c = tokenizer.completion(encoding, text.chunks(TextGenerator.hash(seedText)), maxTokens);
        return new Answer(c.text(), null, c.tokens(), c.truncated() ? "max_tokens" : "end_turn");
    }

    private Reply converseReply(Answer answer, int promptTokens, long latencyMs) {
        ObjectNode root = mapper.createObjectNode();
        ObjectNode message = root.putObject("output").putObject("message");
        message.put("role", "assistant");
        ArrayNode content = message.putArray("content");
        if (answer.text() != null) {
            content.addObject().put("text", answer.text());
        }
        if (answer.toolUse() != null) {
            content.addObject().set("toolUse", answer.toolUse());
        }
        root.put("stopReason", answer.stopReason());
        root.set("usage", usage(mapper, promptTokens, answer.outputTokens()));
        root.putObject("metrics").put("latencyMs", latencyMs);
        return Reply.json(200, root.toString().getBytes(StandardCharsets.UTF_8));
    }

    static ObjectNode usage(ObjectMapper mapper, int inputTokens, int outputTokens) {
        return mapper.createObjectNode().put("inputTokens", inputTokens).put("outputTokens", outputTokens)
                .put("totalTokens", inputTokens + outputTokens);
    }

    static int contextWindow(String model) {
        if (model.contains("nova-micro")) {
            return 128_000;
        }
        if (model.contains("nova")) {
            return 300_000;
        }
        if (model.contains("anthropic.")) {
            return 200_000;
        }
        return 128_000;
    }

    // ---- InvokeModel: embedding models ----

    private Prepared invoke(String model, JsonNode body) {
        if (model.contains("amazon.titan-embed")) {
            return titan(model, body);
        }
        if (model.contains("cohere.embed")) {
            return cohere(model, body);
        }
        return reject("The simulator's InvokeModel serves Titan and Cohere embedding models; call " + model
                + " through Converse.");
    }

    private Prepared titan(String model, JsonNode body) {
        JsonNode input = body.path("inputText");
        if (!input.isTextual() || input.asText().isEmpty()) {
            return reject("Malformed input request: #: required key [inputText] not found, please reformat your input and "
                    + "try again.");
        }
        boolean v2 = model.contains("-v2");
        int dimensions = v2 ? 1024 : 1536;
        if (body.has("dimensions")) {
            int asked = body.path("dimensions").asInt(-1);
            if (!v2 || !TITAN_V2_DIMENSIONS.contains(asked)) {
                return reject("Malformed input request: #/dimensions: " + body.get("dimensions") + " is not a valid enum "
                        + "value, please reformat your input and try again.");
            }
            dimensions = asked;
        }
        String inputText = input.asText();
        int tokens = tokenizer.count(tokenizer.embeddings(), inputText);
        int dims = dimensions;
        return new Prepared.Accepted(model, Directives.NONE.merge(inputText), tokens, 8_192, "inputText", latency -> {
            String vector = Vectors.jsonArray(Vectors.unit(inputText, dims), new StringBuilder());
            ObjectNode root = mapper.createObjectNode();
            root.putRawValue("embedding", new RawValue(vector));
            if (v2) {
                root.putObject("embeddingsByType").putRawValue("float", new RawValue(vector));
            }
            root.put("inputTextTokenCount", tokens);
            return invoked(root, tokens, 0, latency);
        });
    }

    private Prepared cohere(String model, JsonNode body) {
        JsonNode texts = body.path("texts");
        if (!texts.isArray() || texts.isEmpty()) {
            return reject("Malformed input request: #: required key [texts] not found, please reformat your input and try again.");
        }
        if (texts.size() > 96) {
            return reject("Malformed input request: #/texts: expected maximum item count: 96, found: " + texts.size()
                    + ", please reformat your input and try again.");
        }
        if (!body.path("input_type").isTextual()) {
            return reject("Malformed input request: #: required key [input_type] not found, please reformat your input "
                    + "and try again.");
        }
        List<String> inputs = new ArrayList<>();
        Directives directives = Directives.NONE;
        int tokens = 0;
        int largest = 0;
        for (JsonNode t : texts) {
            inputs.add(t.asText());
            int n = tokenizer.count(tokenizer.embeddings(), t.asText());
            tokens += n;
            largest = Math.max(largest, n);
            directives = directives.merge(t.asText());
        }
        int total = tokens;
        return new Prepared.Accepted(model, directives, largest, 512, "texts", latency -> {
            StringBuilder vectors = new StringBuilder("[");
            StringBuilder scratch = new StringBuilder();
            for (int i = 0; i < inputs.size(); i++) {
                vectors.append(i == 0 ? "" : ",").append(Vectors.jsonArray(Vectors.unit(inputs.get(i), 1024), scratch));
            }
            ObjectNode root = mapper.createObjectNode();
            root.putRawValue("embeddings", new RawValue(vectors.append(']').toString()));
            root.put("id", UUID.randomUUID().toString());
            root.put("response_type", "embeddings_floats");
            ArrayNode echoed = root.putArray("texts");
            inputs.forEach(echoed::add);
            return invoked(root, total, 0, latency);
        });
    }

    /** InvokeModel reports tokens and latency in headers, as Bedrock does. */
    private Reply invoked(ObjectNode root, int inputTokens, int outputTokens, long latencyMs) {
        return Reply.json(200, root.toString().getBytes(StandardCharsets.UTF_8))
                .withHeader("X-Amzn-Bedrock-Input-Token-Count", Integer.toString(inputTokens))
                .withHeader("X-Amzn-Bedrock-Output-Token-Count", Integer.toString(outputTokens))
                .withHeader("X-Amzn-Bedrock-Invocation-Latency", Long.toString(latencyMs));
    }

    private Prepared reject(String message) {
        return new Prepared.Rejected(errors.validation(message));
    }
}
