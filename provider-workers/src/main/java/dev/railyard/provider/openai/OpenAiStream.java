package dev.railyard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.provider.ProviderException;
import dev.railyard.provider.stream.Chunks;
import dev.railyard.provider.stream.SseEvent;
import dev.railyard.provider.stream.StreamAssembler;
import java.util.Map;
import java.util.TreeMap;

/**
 * OpenAI's {@code chat.completion.chunk} stream ({@code data:} chunks, then {@code data: [DONE]};
 * with {@code stream_options.include_usage} a last chunk with no choices carries the usage) assembled
 * into the {@code chat.completion} the same request would have returned unstreamed.
 */
final class OpenAiStream implements StreamAssembler {
    private final ObjectMapper mapper;
    private final OpenAiErrorClassifier classifier;
    private final Map<Integer, Choice> choices = new TreeMap<>();
    private String id;
    private Long created;
    private String model;
    private String fingerprint;
    private JsonNode usage;
    private boolean started;
    private boolean done;

    OpenAiStream(ObjectMapper mapper, OpenAiErrorClassifier classifier) {
        this.mapper = mapper;
        this.classifier = classifier;
    }

    private static final class Choice {
        final StringBuilder content = new StringBuilder();
        final StringBuilder refusal = new StringBuilder();
        final Map<Integer, ToolCall> tools = new TreeMap<>();
        ArrayNode logprobs;
        String finishReason;
        boolean hasContent;
        boolean hasRefusal;
    }

    private static final class ToolCall {
        String id;
        String type = "function";
        String name;
        final StringBuilder arguments = new StringBuilder();
    }

    @Override
    public void accept(SseEvent event) throws ProviderException {
        if ("[DONE]".equals(event.data().trim())) {
            done = true;
            return;
        }
        JsonNode chunk = Chunks.json(mapper, event);
        if (chunk.has("error")) {
            throw classifier.streamError(event.data());
        }
        if (id == null && chunk.hasNonNull("id")) {
            id = chunk.get("id").asText();
        }
        if (created == null && chunk.hasNonNull("created")) {
            created = chunk.get("created").asLong();
        }
        if (model == null && chunk.hasNonNull("model")) {
            model = chunk.get("model").asText();
        }
        if (fingerprint == null && chunk.hasNonNull("system_fingerprint")) {
            fingerprint = chunk.get("system_fingerprint").asText();
        }
        if (chunk.path("usage").isObject()) {
            usage = chunk.get("usage");
        }
        int position = 0;
        for (JsonNode c : chunk.path("choices")) {
            Choice choice = choices.computeIfAbsent(c.path("index").asInt(position++), i -> new Choice());
            JsonNode delta = c.path("delta");
            if (delta.path("content").isTextual()) {
                choice.content.append(delta.get("content").asText());
                choice.hasContent = true;
                started |= !delta.get("content").asText().isEmpty();
            }
            if (delta.path("refusal").isTextual()) {
                choice.refusal.append(delta.get("refusal").asText());
                choice.hasRefusal = true;
                started = true;
            }
            int toolPosition = 0;
            for (JsonNode t : delta.path("tool_calls")) {
                ToolCall call = choice.tools.computeIfAbsent(t.path("index").asInt(toolPosition++), i -> new ToolCall());
                if (t.hasNonNull("id")) {
                    call.id = t.get("id").asText();
                }
                if (t.hasNonNull("type")) {
                    call.type = t.get("type").asText();
                }
                JsonNode function = t.path("function");
                if (function.hasNonNull("name")) {
                    call.name = function.get("name").asText();
                }
                if (function.path("arguments").isTextual()) {
                    call.arguments.append(function.get("arguments").asText());
                }
                started = true;
            }
            JsonNode tokens = c.path("logprobs").path("content");
            if (tokens.isArray()) {
                if (choice.logprobs == null) {
                    choice.logprobs = mapper.createArrayNode();
                }
                choice.logprobs.addAll((ArrayNode) tokens);
            }
            if (c.hasNonNull("finish_reason")) {
                choice.finishReason = c.get("finish_reason").asText();
            }
        }
    }

    @Override
    public boolean started() {
        return started;
    }

    @Override
    public boolean complete() {
        return done;
    }

    /** The assembled {@code chat.completion}. */
    ObjectNode completion() {
        ObjectNode root = mapper.createObjectNode();
        root.put("id", id).put("object", "chat.completion").put("created", created == null ? 0 : created).put("model", model);
        ArrayNode array = root.putArray("choices");
        choices.forEach((index, choice) -> {
            ObjectNode c = array.addObject().put("index", index);
            ObjectNode message = c.putObject("message").put("role", "assistant");
            if (choice.hasContent || choice.tools.isEmpty() && !choice.hasRefusal) {
                message.put("content", choice.content.toString());
            } else {
                message.putNull("content");
            }
            if (choice.hasRefusal) {
                message.put("refusal", choice.refusal.toString());
            } else {
                message.putNull("refusal");
            }
            if (!choice.tools.isEmpty()) {
                ArrayNode calls = message.putArray("tool_calls");
                choice.tools.values().forEach(t -> {
                    ObjectNode call = calls.addObject().put("id", t.id).put("type", t.type);
                    call.putObject("function").put("name", t.name).put("arguments", t.arguments.toString());
                });
            }
            if (choice.logprobs != null) {
                c.putObject("logprobs").set("content", choice.logprobs);
            } else {
                c.putNull("logprobs");
            }
            c.put("finish_reason", choice.finishReason);
        });
        if (usage != null) {
            root.set("usage", usage);
        }
        if (fingerprint != null) {
            root.put("system_fingerprint", fingerprint);
        }
        return root;
    }
}
