package dev.railyard.api.jobs;

import java.math.BigDecimal;
import java.time.Instant;

/** A stored job as {@code GET /v1/jobs/{id}} reads it; JSON columns stay JSON text. Null means unset. {@code routingJson} is the router's decision and reasons. */
public record JobRow(
        String id,
        String state,
        String model,
        String endpoint,
        String batchId,
        String customId,
        Instant createdAt,
        Instant finishedAt,
        String responseJson,
        String errorJson,
        Long promptTokens,
        Long completionTokens,
        BigDecimal cost,
        int attempts,
        String deploymentId,
        String metadataJson,
        String routingJson) {
}
