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
 * @param apiKeyId   the id of the API key the job was submitted with (budgets can be scoped to it), or null
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
        String callbackUrl,
        String apiKeyId) implements RailyardEvent {

    /** A job without an API key id (submitted straight to Kafka, or by a producer that predates it). */
    public JobSubmitted(int schemaVersion, String eventId, String jobId, Instant occurredAt, String tenant, String batchId,
                        String customId, int lineNumber, String endpoint, String model, JsonNode body, String priority,
                        Instant deadline, Map<String, String> metadata, String callbackUrl) {
        this(schemaVersion, eventId, jobId, occurredAt, tenant, batchId, customId, lineNumber, endpoint, model, body, priority,
                deadline, metadata, callbackUrl, null);
    }
}
