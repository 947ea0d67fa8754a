package dev.railyard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.provider.ProviderException;
import dev.railyard.provider.http.ProviderFailures;
import dev.railyard.provider.stream.Chunks;
import dev.railyard.provider.stream.SseEvent;
import dev.railyard.provider.stream.StreamAssembler;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Anthropic's Messages stream (https://docs.anthropic.com/en/docs/build-with-claude/streaming):
 * {@code message_start}, per block {@code content_block_start} / {@code content_block_delta} /
 * {@code content_block_stop}, {@code message_delta} (stop reason, final usage), {@code message_stop};
 * {@code ping} anywhere and {@code error} when the answer breaks off. Assembled into the message the
 * same request returns unstreamed, which {@link AnthropicWire#response} then translates.
 */
final class AnthropicStream implements StreamAssembler {
    private final ObjectMapper mapper;
    private final AnthropicErrorClassifier classifier;
    private final Map<Integer, ObjectNode> blocks = new TreeMap<>();
    private final Map<Integer, StringBuilder> toolInputs = new TreeMap<>();
    private ObjectNode message;
    private boolean started;
    private boolean done;

    AnthropicStream(ObjectMapper mapper, AnthropicErrorClassifier classifier) {
        this.mapper = mapper;
        this.classifier = classifier;
    }

    @Override
    public void accept(SseEvent event) throws ProviderException {
        JsonNode data = Chunks.json(mapper, event);
        String type = "message".equals(event.event()) ? data.path("type").asText() : event.event();
        switch (type) {
            case "error" -> throw classifier.streamError(event.data());
            case "message_start" -> {
                message = data.path("message").isObject() ? ((ObjectNode) data.get("message")).deepCopy() : mapper.createObjectNode();
                message.remove("content");
            }
            case "content_block_start" -> {
                ObjectNode block = data.path("content_block").isObject()
                        ? ((ObjectNode) data.get("content_block")).deepCopy() : mapper.createObjectNode();
                int index = data.path("index").asInt(blocks.size());
                blocks.put(index, block);
                if ("tool_use".equals(block.path("type").asText())) {
                    toolInputs.put(index, new StringBuilder());
                    started = true;
                }
            }
            case "content_block_delta" -> delta(data.path("index").asInt(), data.path("delta"));
            case "content_block_stop" -> {
                int index = data.path("index").asInt();
                StringBuilder input = toolInputs.remove(index);
                if (input != null && blocks.containsKey(index)) {
                    blocks.get(index).set("input", toolInput(input.toString(), event));
                }
            }
            case "message_delta" -> {
                ObjectNode m = message();
                data.path("delta").fields().forEachRemaining(f -> m.set(f.getKey(), f.getValue()));
                if (data.path("usage").isObject()) {
                    // message_delta's usage is cumulative: its counts replace message_start's
                    ObjectNode usage = m.path("usage").isObject() ? (ObjectNode) m.get("usage") : m.putObject("usage");
                    data.get("usage").fields().forEachRemaining(f -> {
                        if (!f.getValue().isNull()) {
                            usage.set(f.getKey(), f.getValue());
                        }
                    });
                }
            }
            case "message_stop" -> done = true;
            default -> {
                // ping, and event types added later: Anthropic asks clients to ignore what they do not know
            }
        }
    }

    private void delta(int index, JsonNode delta) {
        ObjectNode block = blocks.computeIfAbsent(index, i -> mapper.createObjectNode().put("type", "text").put("text", ""));
        switch (delta.path("type").asText()) {
            case "text_delta" -> {
                block.put("text", block.path("text").asText("") + delta.path("text").asText());
                started = true;
            }
            case "input_json_delta" -> {
                toolInputs.computeIfAbsent(index, i -> new StringBuilder()).append(delta.path("partial_json").asText());
                started = true;
            }
            case "thinking_delta" -> block.put("thinking", block.path("thinking").asText("") + delta.path("thinking").asText());
            default -> {
                // signature_delta and later delta types carry nothing the OpenAI shape shows
            }
        }
    }

    private JsonNode toolInput(String json, SseEvent event) {
        if (json.isBlank()) {
            return mapper.createObjectNode();
        }
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw ProviderFailures.malformed(200, event.data(), null, "a streamed tool input is not JSON");
        }
    }

    private ObjectNode message() {
        if (message == null) {
            message = mapper.createObjectNode();
        }
        return message;
    }

    @Override
    public boolean started() {
        return started;
    }

    @Override
    public boolean complete() {
        return done;
    }

    /** The assembled Anthropic message, as {@code POST /v1/messages} returns it unstreamed. */
    ObjectNode assembled() {
        ObjectNode m = message().deepCopy();
        var content = m.putArray("content");
        blocks.values().forEach(content::add);
        return m;
    }
}
