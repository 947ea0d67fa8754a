package dev.railyard.api.jobs;

import java.time.Instant;
import java.util.Map;

/**
 * A validated {@code POST /v1/jobs} request.
 *
 * @param requestJson the OpenAI body as JSON text
 * @param metadata    never null (empty when not given)
 * @param callbackUrl an absolute http(s) URL, or null
 * @param deadline    a future instant, or null
 */
public record JobRequest(
        String endpoint,
        String model,
        String requestJson,
        Map<String, String> metadata,
        String priority,
        String callbackUrl,
        Instant deadline) {
}
