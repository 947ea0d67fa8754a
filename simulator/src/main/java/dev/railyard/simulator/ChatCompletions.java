package dev.railyard.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.api.Encoding;
import dev.railyard.simulator.ChatCompletionBody.Choice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/chat/completions}: validation, deterministic answers, exact usage, streaming,
 * structured output ({@code response_format}) and tool calls (with {@code [sim:tool]}).
 */
final class ChatCompletions {
    private static final int MAX_CHOICES = 128;

    private final ObjectMapper mapper;
    private final OpenAiErrors errors;
    private final Tokenizer tokenizer;
    private final TextGenerator text = new TextGenerator();
    private final java.util.concurrent.ConcurrentHashMap<String, String> fingerprints = new java.util.concurrent.ConcurrentHashMap<>();

    ChatCompletions(ObjectMapper mapper, OpenAiErrors errors, Tokenizer tokenizer) {
        this.mapper = mapper;
        this.errors = errors;
        this.tokenizer = tokenizer;
    }

    Prepared prepare(JsonNode body) {
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isEmpty()) {
            return reject("you must provide a model parameter", "model", null);
        }
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            return reject("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        }
        if (!messages.isArray()) {
            return reject("Invalid type for 'messages': expected an array of objects, but got "
                    + OpenAiApi.typeName(messages) + " instead.", "messages", "invalid_type");
        }
        if (messages.isEmpty()) {
            return reject("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty "
                    + "array instead.", "messages", "empty_array");
        }
        Directives directives = Directives.NONE;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = "messages[" + i + "]";
            if (!m.isObject()) {
                return reject("Invalid type for '" + at + "': expected an object, but got " + OpenAiApi.typeName(m)
                        + " instead.", at, "invalid_type");
            }
            if (!m.path("role").isTextual()) {
                return reject("Missing required parameter: '" + at + ".role'.", at + ".role", "missing_required_parameter");
            }
            JsonNode content = m.path("content");
            if (content.isTextual()) {
                directives = directives.merge(content.asText());
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    directives = directives.merge(part.path("text").asText(null));
                }
            } else if (!content.isNull() && !content.isMissingNode()) {
                return reject("Invalid type for '" + at + ".content': expected one of a string or array of objects, but got "
                        + OpenAiApi.typeName(content) + " instead.", at + ".content", "invalid_type");
            }
        }
        String maxField = body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        Integer maxTokens = null;
        JsonNode max = body.get(maxField);
        if (max != null && !max.isNull()) {
            if (!max.canConvertToInt() || !max.isIntegralNumber() || max.asInt() < 1) {
                return reject("Invalid '" + maxField + "': integer below minimum value. Expected a value >= 1, but got "
                        + max + " instead.", maxField, "integer_below_min_value");
            }
            maxTokens = max.asInt();
        }
        int n = body.path("n").asInt(1);
        if (n < 1 || n > MAX_CHOICES) {
            return reject("Invalid 'n': integer out of range. Expected a value between 1 and " + MAX_CHOICES + ", but got "
                    + n + " instead.", "n", "integer_out_of_range");
        }
        boolean stream = body.path("stream").asBoolean(false);
        boolean includeUsage = stream && body.path("stream_options").path("include_usage").asBoolean(false);
        String modelName = model.asText();
        Encoding encoding = tokenizer.encodingFor(modelName);
        int promptTokens = tokenizer.chatPrompt(encoding, messages)
                + (body.has("tools") ? tokenizer.count(encoding, body.get("tools").toString()) : 0);
        Integer limit = maxTokens;
        // Only a [sim:tool] in the last user message calls a tool, so a tool loop ends once results come back.
        JsonNode last = messages.get(messages.size() - 1);
        boolean callTool = "user".equals(last.path("role").asText()) && Directives.NONE.merge(last.path("content").isTextual()
                ? last.path("content").asText() : last.path("content").toString()).tool();
        JsonNode tool = callTool ? body.path("tools").path(0).path("function") : null;
        JsonNode format = body.path("response_format");
        Shape shape = new Shape(n, limit, tool != null && tool.isObject() ? tool : null, format.path("type").asText("text"),
                format.path("json_schema").path("schema"), stream, includeUsage);
        return new Prepared.Accepted(modelName, directives, promptTokens, contextWindow(modelName), "messages",
                latency -> answer(modelName, encoding, messages, promptTokens, shape));
    }

    /** What the request asked the answer to look like. */
    private record Shape(int n, Integer maxTokens, JsonNode tool, String format, JsonNode schema, boolean stream,
                         boolean includeUsage) {
    }

    private Reply answer(String model, Encoding encoding, JsonNode messages, int promptTokens, Shape shape) {
        long seed = seed(messages);
        List<Choice> choices = new ArrayList<>(shape.n());
        int completionTokens = 0;
        for (int i = 0; i < shape.n(); i++) {
            Choice choice = choice(encoding, seed + i * 0x9E3779B97F4A7C15L, shape);
            choices.add(choice);
            completionTokens += choice.tokens();
        }
        String id = Ids.completionId();
        long created = System.currentTimeMillis() / 1000;
        if (shape.stream()) {
            return stream(id, created, model, choices, usage(promptTokens, completionTokens), shape.includeUsage());
        }
        return Reply.json(200, ChatCompletionBody.write(mapper, id, created, model, choices, promptTokens, completionTokens,
                fingerprint(model)));
    }

    /** The answer's seed: the hash of the messages as JSON, hashed as Jackson writes it rather than kept as a string. */
    private long seed(JsonNode messages) {
        TextGenerator.HashWriter hash = new TextGenerator.HashWriter();
        try {
            mapper.writeValue(hash, messages);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hash.hash();
    }

    private Choice choice(Encoding encoding, long seed, Shape shape) {
        if (shape.tool() != null) {
            String name = shape.tool().path("name").asText("tool");
            String arguments = SchemaSample.of(shape.tool().path("parameters")).toString();
            return new Choice(null, name, arguments, "call_" + Ids.base62(24),
                    tokenizer.count(encoding, name) + tokenizer.count(encoding, arguments), "tool_calls");
        }
        if (shape.format().equals("json_schema") || shape.format().equals("json_object")) {
            String json = shape.format().equals("json_schema") ? SchemaSample.of(shape.schema()).toString()
                    : mapper.createObjectNode().put("answer", text.generate(seed)).toString();
            return new Choice(json, null, null, null, tokenizer.count(encoding, json), "stop");
        }
        Tokenizer.Completion answer = tokenizer.completion(encoding, text.chunks(seed), shape.maxTokens());
        return new Choice(answer.text(), null, null, null, answer.tokens(), answer.truncated() ? "length" : "stop");
    }

    private ObjectNode usage(int promptTokens, int completionTokens) {
        ObjectNode usage = mapper.createObjectNode();
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        ObjectNode promptDetails = usage.putObject("prompt_tokens_details");
        promptDetails.put("cached_tokens", 0);
        promptDetails.put("audio_tokens", 0);
        ObjectNode completionDetails = usage.putObject("completion_tokens_details");
        completionDetails.put("reasoning_tokens", 0);
        completionDetails.put("audio_tokens", 0);
        completionDetails.put("accepted_prediction_tokens", 0);
        completionDetails.put("rejected_prediction_tokens", 0);
        return usage;
    }

    /**
     * {@code chat.completion.chunk}s as OpenAI streams them: a first chunk with the role, the content in
     * pieces, a last chunk per choice with its {@code finish_reason}, an optional usage chunk with no choices,
     * then {@code [DONE]}.
     */
    private Reply stream(String id, long created, String model, List<Choice> choices, ObjectNode usage, boolean includeUsage) {
        List<byte[]> frames = new ArrayList<>();
        String fingerprint = fingerprint(model);
        for (int i = 0; i < choices.size(); i++) {
            Choice c = choices.get(i);
            ObjectNode first = chunk(id, created, model, fingerprint, includeUsage);
            ObjectNode delta = choiceDelta(first, i, null);
            delta.put("role", "assistant");
            if (c.toolName() != null) {
                delta.putNull("content");
                ObjectNode call = delta.putArray("tool_calls").addObject();
                call.put("index", 0).put("id", c.toolCallId()).put("type", "function");
                call.putObject("function").put("name", c.toolName()).put("arguments", "");
                frames.add(Sse.data(first.toString()));
                ObjectNode args = chunk(id, created, model, fingerprint, includeUsage);
                choiceDelta(args, i, null).putArray("tool_calls").addObject().put("index", 0)
                        .putObject("function").put("arguments", c.toolArguments());
                frames.add(Sse.data(args.toString()));
            } else {
                delta.put("content", "");
                delta.putNull("refusal");
                frames.add(Sse.data(first.toString()));
                for (String piece : TextGenerator.pieces(c.content(), 16)) {
                    ObjectNode next = chunk(id, created, model, fingerprint, includeUsage);
                    choiceDelta(next, i, null).put("content", piece);
                    frames.add(Sse.data(next.toString()));
                }
            }
            ObjectNode last = chunk(id, created, model, fingerprint, includeUsage);
            choiceDelta(last, i, c.finish());
            frames.add(Sse.data(last.toString()));
        }
        if (includeUsage) {
            ObjectNode tail = chunk(id, created, model, fingerprint, false);
            tail.putArray("choices");
            tail.set("usage", usage);
            frames.add(Sse.data(tail.toString()));
        }
        frames.add(Sse.data("[DONE]"));
        return Reply.stream(Reply.EVENT_STREAM, frames);
    }

    private ObjectNode chunk(String id, long created, String model, String fingerprint, boolean nullUsage) {
        ObjectNode chunk = mapper.createObjectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        chunk.put("service_tier", "default");
        chunk.put("system_fingerprint", fingerprint);
        chunk.putArray("choices");
        if (nullUsage) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    private static ObjectNode choiceDelta(ObjectNode chunk, int index, String finish) {
        ObjectNode choice = ((ArrayNode) chunk.get("choices")).addObject();
        choice.put("index", index);
        ObjectNode delta = choice.putObject("delta");
        choice.putNull("logprobs");
        choice.put("finish_reason", finish);
        return delta;
    }

    static int contextWindow(String model) {
        if (model.startsWith("gpt-4.1")) {
            return 1_047_576;
        }
        if (model.startsWith("gpt-4o") || model.startsWith("gpt-4-turbo") || model.startsWith("chatgpt-4o")) {
            return 128_000;
        }
        if (model.startsWith("gpt-3.5")) {
            return 16_385;
        }
        if (model.equals("gpt-4")) {
            return 8_192;
        }
        return 200_000;
    }

    /** A stable per-model backend fingerprint, like {@code fp_44709d6fcb}. */
    private String fingerprint(String model) {
        return fingerprints.computeIfAbsent(model,
                m -> "fp_" + String.format("%010x", TextGenerator.hash(m) & 0xFF_FFFF_FFFFL));
    }

    private Prepared reject(String message, String param, String code) {
        return new Prepared.Rejected(errors.invalid(message, param, code));
    }
}
