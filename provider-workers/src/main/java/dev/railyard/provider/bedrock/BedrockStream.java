package dev.railyard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.provider.ProviderException;
import dev.railyard.provider.http.ProviderFailures;
import dev.railyard.provider.stream.AwsEventMessage;
import dev.railyard.provider.stream.EventAssembler;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bedrock's ConverseStream (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html),
 * one AWS event-stream message per member of the {@code ConverseStreamOutput} union: {@code messageStart},
 * {@code contentBlockStart} (a tool call's id and name), {@code contentBlockDelta} (text, or a piece of a
 * tool's input JSON as a string), {@code contentBlockStop}, {@code messageStop} (stopReason) and
 * {@code metadata} (usage, metrics), or an exception message that breaks the answer off. Assembled into
 * the body the same request returns from Converse, which {@link BedrockWire#response} then translates.
 */
final class BedrockStream implements EventAssembler<AwsEventMessage> {
    private final ObjectMapper mapper;
    private final BedrockErrorClassifier classifier;
    private final Map<Integer, ObjectNode> blocks = new TreeMap<>();
    private final Map<Integer, StringBuilder> toolInputs = new TreeMap<>();
    private String role = "assistant";
    private JsonNode stopReason;
    private JsonNode usage;
    private JsonNode metrics;
    private boolean started;

    BedrockStream(ObjectMapper mapper, BedrockErrorClassifier classifier) {
        this.mapper = mapper;
        this.classifier = classifier;
    }

    @Override
    public void accept(AwsEventMessage message) throws ProviderException {
        String messageType = message.messageType();
        if ("exception".equals(messageType)) {
            throw classifier.streamException(message.header(AwsEventMessage.EXCEPTION_TYPE), message.payloadText());
        }
        if ("error".equals(messageType)) {
            throw classifier.streamError(message.header(AwsEventMessage.ERROR_CODE), message.header(AwsEventMessage.ERROR_MESSAGE));
        }
        if (!"event".equals(messageType)) {
            throw malformed(message, "a stream message of type '" + messageType + "'");
        }
        String eventType = message.header(AwsEventMessage.EVENT_TYPE);
        JsonNode data = json(message);
        switch (eventType == null ? "" : eventType) {
            case "messageStart" -> role = data.path("role").asText(role);
            case "contentBlockStart" -> {
                JsonNode use = data.path("start").path("toolUse");
                if (use.isObject()) {
                    int index = data.path("contentBlockIndex").asInt();
                    ObjectNode block = blocks.computeIfAbsent(index, i -> mapper.createObjectNode()).putObject("toolUse");
                    block.put("toolUseId", use.path("toolUseId").asText()).put("name", use.path("name").asText());
                    toolInputs.put(index, new StringBuilder());
                    started = true;
                }
            }
            case "contentBlockDelta" -> delta(data.path("contentBlockIndex").asInt(), data.path("delta"));
            case "contentBlockStop" -> {
                int index = data.path("contentBlockIndex").asInt();
                StringBuilder input = toolInputs.remove(index);
                if (input != null) {
                    if (!(blocks.getOrDefault(index, mapper.createObjectNode()).get("toolUse") instanceof ObjectNode use)) {
                        throw malformed(message, "tool input for block " + index + ", which no contentBlockStart opened");
                    }
                    use.set("input", toolInput(input.toString(), message));
                }
            }
            case "messageStop" -> stopReason = data.path("stopReason");
            case "metadata" -> {
                usage = data.path("usage");
                metrics = data.path("metrics");
            }
            default -> {
                // event types added later: an AWS client ignores union members it does not know
            }
        }
    }

    private void delta(int index, JsonNode delta) {
        if (delta.has("text")) {
            ObjectNode block = blocks.computeIfAbsent(index, i -> mapper.createObjectNode().put("text", ""));
            block.put("text", block.path("text").asText("") + delta.get("text").asText());
            started = true;
        } else if (delta.path("toolUse").has("input")) {
            toolInputs.computeIfAbsent(index, i -> new StringBuilder()).append(delta.get("toolUse").get("input").asText());
            started = true;
        }
        // reasoningContent deltas carry nothing the OpenAI shape shows
    }

    private JsonNode toolInput(String json, AwsEventMessage message) {
        if (json.isBlank()) {
            return mapper.createObjectNode();
        }
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw malformed(message, "a streamed tool input is not JSON");
        }
    }

    private JsonNode json(AwsEventMessage message) {
        try {
            JsonNode node = mapper.readTree(message.payload());
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // reported below
        }
        throw malformed(message, "a stream event (" + message.header(AwsEventMessage.EVENT_TYPE) + ") is not a JSON object");
    }

    private static ProviderException malformed(AwsEventMessage message, String why) {
        return ProviderFailures.malformed(200, message.payloadText(), null, why);
    }

    @Override
    public boolean started() {
        return started;
    }

    /** Whole once the stop reason and the usage (metadata, the last event) have both arrived. */
    @Override
    public boolean complete() {
        return stopReason != null && usage != null;
    }

    /** The assembled answer, as {@code POST /model/{modelId}/converse} returns it. */
    ObjectNode assembled() {
        ObjectNode root = mapper.createObjectNode();
        ObjectNode message = root.putObject("output").putObject("message").put("role", role);
        ArrayNode content = message.putArray("content");
        blocks.values().forEach(content::add);
        if (stopReason != null) {
            root.set("stopReason", stopReason);
        }
        if (usage != null) {
            root.set("usage", usage);
        }
        if (metrics != null) {
            root.set("metrics", metrics);
        }
        return root;
    }
}
