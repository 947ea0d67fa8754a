package dev.railyard.provider.gemini;

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
 * Gemini's {@code streamGenerateContent?alt=sse}: every event is a partial {@code GenerateContentResponse}
 * (text parts in pieces, function calls whole, the finish reason and usage on the last). Gemini sends
 * no end event: the answer is whole when every candidate has its finish reason, or the prompt was
 * blocked. Assembled into the response {@code generateContent} returns, which {@link GeminiWire#response}
 * then translates.
 */
final class GeminiStream implements StreamAssembler {
    private final ObjectMapper mapper;
    private final GeminiErrorClassifier classifier;
    private final Map<Integer, Candidate> candidates = new TreeMap<>();
    private final ObjectNode response;
    private boolean started;
    private int chunks;

    GeminiStream(ObjectMapper mapper, GeminiErrorClassifier classifier) {
        this.mapper = mapper;
        this.classifier = classifier;
        this.response = mapper.createObjectNode();
    }

    private static final class Candidate {
        final ArrayNode parts;
        String finishReason;

        Candidate(ObjectMapper mapper) {
            parts = mapper.createArrayNode();
        }
    }

    @Override
    public void accept(SseEvent event) throws ProviderException {
        JsonNode chunk = Chunks.json(mapper, event);
        if (chunk.has("error")) {
            throw classifier.streamError(event.data());
        }
        chunks++;
        for (String field : new String[] {"responseId", "modelVersion", "usageMetadata", "promptFeedback"}) {
            if (chunk.hasNonNull(field)) {
                response.set(field, chunk.get(field)); // usage is cumulative: the last one is the total
            }
        }
        int position = 0;
        for (JsonNode c : chunk.path("candidates")) {
            Candidate candidate = candidates.computeIfAbsent(c.path("index").asInt(position++), i -> new Candidate(mapper));
            for (JsonNode part : c.path("content").path("parts")) {
                append(candidate.parts, part);
            }
            if (c.hasNonNull("finishReason")) {
                candidate.finishReason = c.get("finishReason").asText();
            }
        }
    }

    /** Text pieces join the text part before them (of the same kind: answer or thought); other parts stand alone. */
    private void append(ArrayNode parts, JsonNode part) {
        boolean thought = part.path("thought").asBoolean(false);
        if (part.has("text")) {
            started |= !thought && !part.get("text").asText().isEmpty();
            JsonNode last = parts.isEmpty() ? null : parts.get(parts.size() - 1);
            if (last != null && last.has("text") && last.path("thought").asBoolean(false) == thought) {
                ((ObjectNode) last).put("text", last.get("text").asText() + part.get("text").asText());
                return;
            }
        } else if (part.has("functionCall")) {
            started = true;
        }
        parts.add(part.deepCopy());
    }

    @Override
    public boolean started() {
        return started;
    }

    @Override
    public boolean complete() {
        if (response.path("promptFeedback").hasNonNull("blockReason")) {
            return true;
        }
        return chunks > 0 && !candidates.isEmpty() && candidates.values().stream().allMatch(c -> c.finishReason != null);
    }

    /** The assembled response, as {@code generateContent} returns it. */
    ObjectNode assembled() {
        ObjectNode out = response.deepCopy();
        ArrayNode array = out.putArray("candidates");
        candidates.forEach((index, c) -> {
            ObjectNode candidate = array.addObject().put("index", index);
            candidate.putObject("content").put("role", "model").set("parts", c.parts.deepCopy());
            if (c.finishReason != null) {
                candidate.put("finishReason", c.finishReason);
            }
        });
        return out;
    }
}
