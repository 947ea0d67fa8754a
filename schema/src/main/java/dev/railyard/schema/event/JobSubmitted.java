package dev.railyard.schema.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;

/**
 * One LLM call accepted by Railyard. {@code body} is the OpenAI request body as sent by the client;
 * {@code model} is the requested model or route (the body's {@code model}).
 *
 * @param batchId    the batch the job belongs to, or null
 * @param customId   the client's id within the batch, or null
 * @param lineNumber the 1-based line of the batch input file, or 0
 * @param priority   interactive, standard or bulk
 * @param deadline   when the job expires if not finished, or null
 */
public record JobSubmitted(
        int schemaVersion,
        String eventId,
        String jobId,
        Instant occurredAt,
        String tenant,
        String batchId,
        String customId,
        int lineNumber,
        String endpoint,
        String model,
        JsonNode body,
        String priority,
        Instant deadline,
        Map<String, String> metadata,
        String callbackUrl) implements RailyardEvent {
}
