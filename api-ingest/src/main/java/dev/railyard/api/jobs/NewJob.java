package dev.railyard.api.jobs;

import java.time.Instant;
import java.util.Map;

/**
 * A validated job about to be stored and published: the row of {@code jobs} and the content of its
 * {@code JobSubmitted} event.
 *
 * @param batchId    the batch, or null for a single job
 * @param customId   the client's id within the batch, or null
 * @param lineNumber the 1-based line in the batch input, or 0
 * @param requestJson the OpenAI request body as JSON text, exactly as the client sent it where possible
 * @param metadata   client metadata, or null
 * @param deadline   when the job expires unfinished, or null
 * @param apiKeyId   the id of the API key that submitted it ({@code jobs.api_key_id}, {@code JobSubmitted.apiKeyId};
 *                   budgets can be scoped to it), or null while the API is open
 */
public record NewJob(
        String id,
        String tenant,
        String batchId,
        String customId,
        int lineNumber,
        String endpoint,
        String model,
        String requestJson,
        String priority,
        Map<String, String> metadata,
        String callbackUrl,
        Instant deadline,
        Instant createdAt,
        String apiKeyId) {

    /** A job submitted without an API key (the API is open, or the job does not come from a request). */
    public NewJob(String id, String tenant, String batchId, String customId, int lineNumber, String endpoint, String model,
                  String requestJson, String priority, Map<String, String> metadata, String callbackUrl, Instant deadline,
                  Instant createdAt) {
        this(id, tenant, batchId, customId, lineNumber, endpoint, model, requestJson, priority, metadata, callbackUrl, deadline,
                createdAt, null);
    }
}
