package dev.railyard.simulator.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.api.Encoding;
import dev.railyard.simulator.Directives;
import dev.railyard.simulator.Ids;
import dev.railyard.simulator.Pipeline;
import dev.railyard.simulator.Prepared;
import dev.railyard.simulator.RateLimits;
import dev.railyard.simulator.Reply;
import dev.railyard.simulator.SchemaSample;
import dev.railyard.simulator.SimulatorSettings;
import dev.railyard.simulator.Sse;
import dev.railyard.simulator.TextGenerator;
import dev.railyard.simulator.Tokenizer;
import dev.railyard.simulator.Vectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The Gemini API ({@code v1beta}) as the simulator plays it: {@code models/{model}:generateContent},
 * {@code :streamGenerateContent} (a JSON array, or server-sent events with {@code alt=sse}),
 * {@code :embedContent} and {@code :batchEmbedContents}; the key in {@code x-goog-api-key} or {@code ?key=}.
 * Like Google's JSON parser it rejects unknown fields, accepting both lowerCamel and snake_case names.
 */
public final class GeminiApi {
    /** GenerateContentRequest's fields in the v1beta protobuf descriptor (shared/specs/gemini). */
    private static final Set<String> REQUEST_FIELDS = Set.of("model", "systemInstruction", "contents", "tools",
            "toolConfig", "safetySettings", "generationConfig", "cachedContent");
    /** GenerationConfig's fields in the same descriptor. */
    private static final Set<String> CONFIG_FIELDS = Set.of("candidateCount", "stopSequences", "maxOutputTokens",
            "temperature", "topP", "topK", "seed", "responseMimeType", "responseSchema", "responseJsonSchema",
            "responseJsonSchemaOrdered", "presencePenalty", "frequencyPenalty", "responseLogprobs", "logprobs",
            "enableEnhancedCivicAnswers", "responseModalities", "speechConfig", "thinkingConfig", "imageConfig",
            "mediaResolution");
    private static final Set<String> PART_FIELDS = Set.of("text", "inlineData", "functionCall", "functionResponse",
            "fileData", "executableCode", "codeExecutionResult", "videoMetadata", "thought", "thoughtSignature",
            "partMetadata");
    static final int CONTEXT_WINDOW = 1_048_576;
    static final int EMBEDDING_CONTEXT_WINDOW = 2_048;

    private final ObjectMapper mapper;
    private final GeminiErrors errors;
    private final Tokenizer tokenizer;
    private final Pipeline pipeline;
    private final TextGenerator text = new TextGenerator();

    public GeminiApi(ObjectMapper mapper, SimulatorSettings settings, Tokenizer tokenizer, Pipeline pipeline) {
        this.mapper = mapper;
        this.errors = new GeminiErrors(mapper, settings.retryAfterMs());
        this.tokenizer = tokenizer;
        this.pipeline = pipeline;
    }

    /**
     * One call of {@code POST /v1beta/models/{model}:{method}}.
     *
     * @param method  generateContent, streamGenerateContent, embedContent or batchEmbedContents
     * @param apiKey  the {@code x-goog-api-key} header, else the {@code key} query parameter, or null
     * @param alt     the {@code alt} query parameter ({@code sse} streams server-sent events), or null
     */
    public Reply call(String model, String method, String apiKey, String alt, String body) {
        if (apiKey == null || apiKey.isBlank()) {
            return errors.finish(errors.missingKey(), RateLimits.Verdict.UNLIMITED);
        }
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? mapper.createObjectNode() : mapper.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            return errors.finish(errors.invalid("Invalid JSON payload received. Unexpected token."), RateLimits.Verdict.UNLIMITED);
        }
        Prepared prepared = switch (method) {
            case "generateContent" -> generate(model, json, Mode.ONE);
            case "streamGenerateContent" -> generate(model, json, "sse".equals(alt) ? Mode.SSE : Mode.ARRAY);
            case "embedContent" -> embed(model, json);
            case "batchEmbedContents" -> batchEmbed(model, json);
            default -> new Prepared.Rejected(errors.notFound("/v1beta/models/" + model + ":" + method));
        };
        return pipeline.run(apiKey, body, prepared, errors);
    }

    public Reply notFound(String path) {
        return errors.finish(errors.notFound(path), RateLimits.Verdict.UNLIMITED);
    }

    private enum Mode { ONE, ARRAY, SSE }

    // ---- generateContent ----

    private Prepared generate(String model, JsonNode body, Mode mode) {
        String unknown = unknownField(body, REQUEST_FIELDS, "");
        if (unknown == null) {
            unknown = unknownField(field(body, "generationConfig"), CONFIG_FIELDS, "generation_config.");
        }
        if (unknown != null) {
            return reject("Invalid JSON payload received. Unknown name \"" + unknown + "\": Cannot find field.");
        }
        JsonNode contents = body.path("contents");
        if (!contents.isArray() || contents.isEmpty()) {
            return reject("* GenerateContentRequest.contents: contents is not specified\n");
        }
        Encoding encoding = tokenizer.encodingFor(model);
        Directives directives = Directives.NONE;
        int tokens = 0;
        JsonNode system = field(body, "systemInstruction");
        for (JsonNode part : system.path("parts")) {
            tokens += tokenizer.count(encoding, part.path("text").asText(""));
            directives = directives.merge(part.path("text").asText(null));
        }
        String lastUserText = "";
        for (int i = 0; i < contents.size(); i++) {
            JsonNode content = contents.get(i);
            String role = content.path("role").asText("user");
            if (!role.equals("user") && !role.equals("model") && !role.equals("function")) {
                return reject("Please use a valid role: user, model.");
            }
            JsonNode parts = content.path("parts");
            if (!parts.isArray() || parts.isEmpty()) {
                return reject("* GenerateContentRequest.contents[" + i + "].parts: contents.parts must not be empty.\n");
            }
            StringBuilder texts = new StringBuilder();
            for (int j = 0; j < parts.size(); j++) {
                JsonNode part = parts.get(j);
                String unknownPart = unknownField(part, PART_FIELDS, "contents[" + i + "].parts[" + j + "].");
                if (unknownPart != null) {
                    return reject("Invalid JSON payload received. Unknown name \"" + unknownPart + "\": Cannot find field.");
                }
                if (part.has("text")) {
                    texts.append(part.get("text").asText());
                } else if (part.has("inlineData") || part.has("inline_data") || part.has("fileData") || part.has("file_data")) {
                    tokens += 258; // Gemini bills an image at 258 tokens
                } else {
                    tokens += tokenizer.count(encoding, part.toString());
                }
            }
            tokens += tokenizer.count(encoding, texts.toString());
            directives = directives.merge(texts.toString());
            if (role.equals("user")) {
                lastUserText = i == contents.size() - 1 ? texts.toString() : "";
            }
        }
        JsonNode tools = body.path("tools");
        if (tools.isArray()) {
            tokens += tokenizer.count(encoding, tools.toString());
        }
        JsonNode config = field(body, "generationConfig");
        int candidates = field(config, "candidateCount").asInt(1);
        if (candidates < 1 || candidates > 8) {
            return reject("* GenerateContentRequest.generation_config.candidate_count: must be between 1 and 8\n");
        }
        JsonNode maxOut = field(config, "maxOutputTokens");
        Integer maxTokens = maxOut.isNumber() && maxOut.asInt() > 0 ? maxOut.asInt() : null;
        JsonNode declaration = field(tools.path(0), "functionDeclarations").path(0);
        // Only a [sim:tool] in the last user turn calls a function, so a tool loop ends once results come back.
        JsonNode function = Directives.NONE.merge(lastUserText).tool() && declaration.isObject() ? declaration : null;
        String mime = field(config, "responseMimeType").asText("text/plain");
        JsonNode schema = field(config, "responseSchema");
        if (schema.isMissingNode()) {
            schema = field(config, "responseJsonSchema");
        }
        Directives d = directives;
        Answer answer = new Answer(model, encoding, contents.toString() + field(config, "seed").asText(""), tokens,
                candidates, maxTokens, function, mime.equals("application/json"), schema, d.safety(), d.contentFilter(), mode);
        return new Prepared.Accepted(model, d, tokens, CONTEXT_WINDOW, "contents", latency -> answer(answer));
    }

    private record Answer(String model, Encoding encoding, String seedText, int promptTokens, int candidates,
                          Integer maxTokens, JsonNode function, boolean json, JsonNode schema, boolean safety,
                          boolean blocked, Mode mode) {
    }

    /** One candidate: a text, a function call, or a safety stop with no content. */
    private record Candidate(String text, ObjectNode functionCall, String finishReason, int tokens) {
    }

    private Reply answer(Answer a) {
        String responseId = Ids.base62(22);
        if (a.blocked()) {
            ObjectNode root = mapper.createObjectNode();
            ObjectNode feedback = root.putObject("promptFeedback");
            feedback.put("blockReason", "SAFETY");
            feedback.set("safetyRatings", safetyRatings(true));
            root.set("usageMetadata", usage(a.promptTokens(), 0));
            root.put("modelVersion", a.model());
            root.put("responseId", responseId);
            return a.mode() == Mode.ONE ? Reply.json(200, bytes(root)) : stream(a.mode(), List.of(root));
        }
        List<Candidate> candidates = new ArrayList<>();
        long seed = TextGenerator.hash(a.seedText());
        for (int i = 0; i < a.candidates(); i++) {
            candidates.add(candidate(a, seed + i * 0x9E3779B97F4A7C15L));
        }
        int output = candidates.stream().mapToInt(Candidate::tokens).sum();
        if (a.mode() == Mode.ONE) {
            ObjectNode root = mapper.createObjectNode();
            ArrayNode array = root.putArray("candidates");
            for (int i = 0; i < candidates.size(); i++) {
                Candidate c = candidates.get(i);
                array.add(candidate(i, c, c.text(), c.finishReason()));
            }
            root.set("usageMetadata", usage(a.promptTokens(), output));
            root.put("modelVersion", a.model());
            root.put("responseId", responseId);
            return Reply.json(200, bytes(root));
        }
        // Streamed: each chunk a GenerateContentResponse; the last piece of a candidate carries its finishReason,
        // and usage grows chunk by chunk to the full count in the last one.
        List<ObjectNode> chunks = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            List<String> pieces = c.text() != null ? TextGenerator.pieces(c.text(), 16) : List.of("");
            for (Iterator<String> it = pieces.iterator(); it.hasNext(); ) {
                String piece = it.next();
                boolean last = !it.hasNext();
                ObjectNode chunk = mapper.createObjectNode();
                chunk.putArray("candidates").add(candidate(i, c, c.text() != null ? piece : null, last ? c.finishReason() : null));
                chunk.set("usageMetadata", last && i == candidates.size() - 1 ? usage(a.promptTokens(), output)
                        : usage(a.promptTokens(), -1));
                chunk.put("modelVersion", a.model());
                chunk.put("responseId", responseId);
                chunks.add(chunk);
            }
        }
        return stream(a.mode(), chunks);
    }

    private Candidate candidate(Answer a, long seed) {
        if (a.safety()) {
            return new Candidate(null, null, "SAFETY", 0);
        }
        if (a.function() != null) {
            String name = a.function().path("name").asText("function");
            JsonNode parameters = field(a.function(), "parameters");
            JsonNode args = SchemaSample.of(parameters.isMissingNode() ? field(a.function(), "parametersJsonSchema") : parameters);
            ObjectNode call = mapper.createObjectNode().put("name", name);
            call.set("args", args);
            return new Candidate(null, call, "STOP", tokenizer.count(a.encoding(), name + args));
        }
        if (a.json()) {
            String json = a.schema().isMissingNode() ? mapper.createObjectNode().put("answer", text.generate(seed)).toString()
                    : SchemaSample.of(a.schema()).toString();
            return new Candidate(json, null, "STOP", tokenizer.count(a.encoding(), json));
        }
        Tokenizer.Completion c = tokenizer.completion(a.encoding(), text.chunks(seed), a.maxTokens());
        return new Candidate(c.text(), null, c.truncated() ? "MAX_TOKENS" : "STOP", c.tokens());
    }

    private ObjectNode candidate(int index, Candidate c, String text, String finishReason) {
        ObjectNode candidate = mapper.createObjectNode();
        if (c.functionCall() != null) {
            ObjectNode content = candidate.putObject("content");
            content.putArray("parts").addObject().set("functionCall", c.functionCall());
            content.put("role", "model");
        } else if (text != null) {
            ObjectNode content = candidate.putObject("content");
            content.putArray("parts").addObject().put("text", text);
            content.put("role", "model");
        }
        if (finishReason != null) {
            candidate.put("finishReason", finishReason);
        }
        if ("SAFETY".equals(finishReason)) {
            candidate.set("safetyRatings", safetyRatings(true));
        }
        candidate.put("index", index);
        return candidate;
    }

    private ArrayNode safetyRatings(boolean blocked) {
        ArrayNode ratings = mapper.createArrayNode();
        for (String category : List.of("HARM_CATEGORY_SEXUALLY_EXPLICIT", "HARM_CATEGORY_HATE_SPEECH",
                "HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_DANGEROUS_CONTENT")) {
            ObjectNode rating = ratings.addObject().put("category", category).put("probability", "NEGLIGIBLE");
            if (blocked && category.equals("HARM_CATEGORY_DANGEROUS_CONTENT")) {
                rating.put("probability", "HIGH").put("blocked", true);
            }
        }
        return ratings;
    }

    /** Usage; {@code candidates} below zero leaves the candidate count out, as early stream chunks do. */
    private ObjectNode usage(int prompt, int candidates) {
        ObjectNode usage = mapper.createObjectNode();
        usage.put("promptTokenCount", prompt);
        if (candidates > 0) {
            usage.put("candidatesTokenCount", candidates);
        }
        usage.put("totalTokenCount", prompt + Math.max(0, candidates));
        usage.putArray("promptTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", prompt);
        return usage;
    }

    /** With {@code alt=sse} server-sent events; without, one JSON array written element by element. */
    private Reply stream(Mode mode, List<ObjectNode> chunks) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            String chunk = chunks.get(i).toString();
            if (mode == Mode.SSE) {
                frames.add(Sse.dataCrlf(chunk));
            } else {
                String frame = (i == 0 ? "[" : ",\r\n") + chunk + (i == chunks.size() - 1 ? "]" : "");
                frames.add(frame.getBytes(StandardCharsets.UTF_8));
            }
        }
        return Reply.stream(mode == Mode.SSE ? Reply.EVENT_STREAM : Reply.JSON, frames);
    }

    // ---- embeddings ----

    private Prepared embed(String model, JsonNode body) {
        JsonNode content = body.path("content");
        if (!content.path("parts").isArray() || content.path("parts").isEmpty()) {
            return reject("* EmbedContentRequest.content: contents is not specified\n");
        }
        String input = texts(content);
        Integer dims = dimensions(model, body);
        if (dims == null) {
            return reject("* EmbedContentRequest.output_dimensionality: must be between 1 and " + maxDimensions(model) + "\n");
        }
        int tokens = tokenizer.count(tokenizer.embeddings(), input);
        return new Prepared.Accepted(model, Directives.NONE.merge(input), tokens, EMBEDDING_CONTEXT_WINDOW, "content",
                latency -> {
                    ObjectNode root = mapper.createObjectNode();
                    root.putObject("embedding").putRawValue("values",
                            new com.fasterxml.jackson.databind.util.RawValue(Vectors.jsonArray(Vectors.unit(input, dims), new StringBuilder())));
                    return Reply.json(200, bytes(root));
                });
    }

    private Prepared batchEmbed(String model, JsonNode body) {
        JsonNode requests = body.path("requests");
        if (!requests.isArray() || requests.isEmpty()) {
            return reject("* BatchEmbedContentsRequest.requests: requests is not specified\n");
        }
        if (requests.size() > 100) {
            return reject("* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n");
        }
        List<String> inputs = new ArrayList<>();
        List<Integer> dims = new ArrayList<>();
        Directives directives = Directives.NONE;
        int largest = 0;
        int total = 0;
        for (int i = 0; i < requests.size(); i++) {
            JsonNode request = requests.get(i);
            String named = request.path("model").asText("models/" + model);
            if (!named.equals("models/" + model)) {
                return reject("Model in the request (" + named + ") does not match the model in the URL (models/" + model + ").");
            }
            JsonNode content = request.path("content");
            if (!content.path("parts").isArray() || content.path("parts").isEmpty()) {
                return reject("* BatchEmbedContentsRequest.requests[" + i + "].content: contents is not specified\n");
            }
            Integer d = dimensions(model, request);
            if (d == null) {
                return reject("* BatchEmbedContentsRequest.requests[" + i + "].output_dimensionality: must be between 1 and "
                        + maxDimensions(model) + "\n");
            }
            String input = texts(content);
            int tokens = tokenizer.count(tokenizer.embeddings(), input);
            largest = Math.max(largest, tokens);
            total += tokens;
            inputs.add(input);
            dims.add(d);
            directives = directives.merge(input);
        }
        // The context window applies per input; rate limits count the whole batch.
        return new Prepared.Accepted(model, directives, largest, EMBEDDING_CONTEXT_WINDOW, "requests", latency -> {
            StringBuilder out = new StringBuilder("{\"embeddings\":[");
            StringBuilder scratch = new StringBuilder();
            for (int i = 0; i < inputs.size(); i++) {
                out.append(i == 0 ? "" : ",").append("{\"values\":")
                        .append(Vectors.jsonArray(Vectors.unit(inputs.get(i), dims.get(i)), scratch)).append('}');
            }
            return Reply.json(200, out.append("]}").toString().getBytes(StandardCharsets.UTF_8));
        });
    }

    private static String texts(JsonNode content) {
        StringBuilder s = new StringBuilder();
        for (JsonNode part : content.path("parts")) {
            s.append(part.path("text").asText(""));
        }
        return s.toString();
    }

    /** {@code outputDimensionality}, or the model's default; null when out of range. */
    private static Integer dimensions(String model, JsonNode request) {
        int max = maxDimensions(model);
        JsonNode asked = field(request, "outputDimensionality");
        if (asked.isMissingNode() || asked.isNull()) {
            return max;
        }
        int d = asked.asInt(-1);
        return d >= 1 && d <= max ? d : null;
    }

    /** gemini-embedding-001 embeds in 3072 dimensions; text-embedding-004 and embedding-001 in 768. */
    static int maxDimensions(String model) {
        return model.startsWith("gemini-embedding") ? 3_072 : 768;
    }

    // ---- helpers ----

    /** A field by its JSON (lowerCamel) name or its proto (snake_case) name, as Google's parser accepts both. */
    static JsonNode field(JsonNode node, String camel) {
        JsonNode v = node.get(camel);
        return v != null ? v : node.path(snake(camel));
    }

    private static String snake(String camel) {
        StringBuilder s = new StringBuilder(camel.length() + 4);
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                s.append('_').append(Character.toLowerCase(c));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }

    /** The first field of {@code node} that is neither a known lowerCamel name nor its snake_case form. */
    private static String unknownField(JsonNode node, Set<String> known, String prefix) {
        if (!node.isObject()) {
            return null;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name) && known.stream().noneMatch(k -> snake(k).equals(name))) {
                return prefix + name;
            }
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

    private Prepared reject(String message) {
        return new Prepared.Rejected(errors.invalid(message));
    }
}
