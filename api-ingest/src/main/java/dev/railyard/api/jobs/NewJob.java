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
        Instant createdAt) {
}
