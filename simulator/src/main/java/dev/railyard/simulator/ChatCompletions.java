package dev.railyard.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.api.Encoding;
import java.io.UncheckedIOException;

/** {@code POST /v1/chat/completions}: validation, deterministic answers, exact usage. */
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
        if (body.path("stream").asBoolean(false)) {
            return reject("The simulator does not stream; send \"stream\": false.", "stream", "unsupported_value");
        }
        String modelName = model.asText();
        Encoding encoding = tokenizer.encodingFor(modelName);
        int promptTokens = tokenizer.chatPrompt(encoding, messages);
        Integer limit = maxTokens;
        return new Prepared.Accepted(modelName, directives, promptTokens, contextWindow(modelName), "messages",
                () -> answer(modelName, encoding, messages, promptTokens, limit, n));
    }

    private Reply answer(String model, Encoding encoding, JsonNode messages, int promptTokens, Integer maxTokens, int n) {
        long seed = TextGenerator.hash(messages.toString());
        ObjectNode root = mapper.createObjectNode();
        root.put("id", Ids.completionId());
        root.put("object", "chat.completion");
        root.put("created", System.currentTimeMillis() / 1000);
        root.put("model", model);
        ArrayNode choices = root.putArray("choices");
        int completionTokens = 0;
        for (int i = 0; i < n; i++) {
            Tokenizer.Completion answer = tokenizer.completion(encoding, text.chunks(seed + i * 0x9E3779B97F4A7C15L), maxTokens);
            String content = answer.text();
            int tokens = answer.tokens();
            String finish = answer.truncated() ? "length" : "stop";
            completionTokens += tokens;
            ObjectNode choice = choices.addObject();
            choice.put("index", i);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", content);
            message.putNull("refusal");
            message.putArray("annotations");
            choice.putNull("logprobs");
            choice.put("finish_reason", finish);
        }
        ObjectNode usage = root.putObject("usage");
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
        root.put("service_tier", "default");
        root.put("system_fingerprint", fingerprint(model));
        try {
            return Reply.json(200, mapper.writeValueAsBytes(root));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
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
