package dev.railyard.provider.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.provider.ProviderException;
import dev.railyard.provider.http.ProviderFailures;
import java.io.IOException;

/** Reading stream events' JSON payloads. */
public final class Chunks {
    private Chunks() {
    }

    /** The event's data as a JSON object; a malformed-response failure when it is not one. */
    public static JsonNode json(ObjectMapper mapper, SseEvent event) throws ProviderException {
        try {
            JsonNode node = mapper.readTree(event.data());
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // reported below
        }
        throw ProviderFailures.malformed(200, event.data(), null, "a stream event (" + event.event() + ") is not a JSON object");
    }
}
