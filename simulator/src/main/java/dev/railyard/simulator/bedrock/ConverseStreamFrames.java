package dev.railyard.simulator.bedrock;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.simulator.Reply;
import dev.railyard.simulator.TextGenerator;
import java.util.ArrayList;
import java.util.List;

/**
 * A ConverseStream answer as Bedrock sends it, one event-stream message per event of the Smithy model's
 * {@code ConverseStreamOutput} union: {@code messageStart} (role); for a tool call {@code contentBlockStart}
 * (toolUseId, name) then {@code contentBlockDelta}s carrying pieces of the input JSON as a string; for text
 * {@code contentBlockDelta}s carrying text (text blocks have no start event); {@code contentBlockStop};
 * {@code messageStop} (stopReason); {@code metadata} (usage, metrics.latencyMs).
 */
final class ConverseStreamFrames {
    /** Text arrives in at most this many deltas; a tool's input JSON in at most {@link #INPUT_PIECES}. */
    private static final int TEXT_PIECES = 16;
    private static final int INPUT_PIECES = 3;

    private ConverseStreamFrames() {
    }

    static Reply reply(ObjectMapper mapper, BedrockApi.Answer answer, int promptTokens, long latencyMs) {
        List<byte[]> frames = new ArrayList<>();
        frames.add(EventStreamFrames.event("messageStart", mapper.createObjectNode().put("role", "assistant").toString()));
        int index = 0;
        if (answer.text() != null) {
            for (String piece : TextGenerator.pieces(answer.text(), TEXT_PIECES)) {
                ObjectNode delta = mapper.createObjectNode().put("contentBlockIndex", index);
                delta.putObject("delta").put("text", piece);
                frames.add(EventStreamFrames.event("contentBlockDelta", delta.toString()));
            }
            frames.add(stop(mapper, index++));
        }
        if (answer.toolUse() != null) {
            ObjectNode start = mapper.createObjectNode().put("contentBlockIndex", index);
            start.putObject("start").putObject("toolUse").put("toolUseId", answer.toolUse().path("toolUseId").asText())
                    .put("name", answer.toolUse().path("name").asText());
            frames.add(EventStreamFrames.event("contentBlockStart", start.toString()));
            for (String piece : pieces(answer.toolUse().path("input").toString(), INPUT_PIECES)) {
                ObjectNode delta = mapper.createObjectNode().put("contentBlockIndex", index);
                delta.putObject("delta").putObject("toolUse").put("input", piece);
                frames.add(EventStreamFrames.event("contentBlockDelta", delta.toString()));
            }
            frames.add(stop(mapper, index));
        }
        frames.add(EventStreamFrames.event("messageStop", mapper.createObjectNode().put("stopReason", answer.stopReason()).toString()));
        ObjectNode metadata = mapper.createObjectNode();
        metadata.set("usage", BedrockApi.usage(mapper, promptTokens, answer.outputTokens()));
        metadata.putObject("metrics").put("latencyMs", latencyMs);
        frames.add(EventStreamFrames.event("metadata", metadata.toString()));
        return Reply.stream(EventStreamFrames.CONTENT_TYPE, frames);
    }

    private static byte[] stop(ObjectMapper mapper, int index) {
        return EventStreamFrames.event("contentBlockStop", mapper.createObjectNode().put("contentBlockIndex", index).toString());
    }

    /** The tool input cut anywhere (inside names and strings), as the model emits it. */
    private static List<String> pieces(String json, int count) {
        List<String> out = new ArrayList<>();
        int size = Math.max(1, (json.length() + count - 1) / count);
        for (int i = 0; i < json.length(); i += size) {
            out.add(json.substring(i, Math.min(json.length(), i + size)));
        }
        return out;
    }
}
