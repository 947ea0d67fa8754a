package dev.railyard.api.batches;

import java.time.Instant;

/**
 * A {@code batches} row with the state of its jobs, counted in the same query.
 *
 * @param status       the stored status: {@code in_progress}, or {@code failed} when no line was valid
 * @param invalidLines lines that never became jobs
 * @param jobs         jobs of the batch
 * @param pending      jobs not yet in a terminal state
 * @param succeeded    jobs that succeeded
 * @param failedJobs   jobs that failed, were rejected, cancelled or expired
 * @param lastFinishedAt the latest {@code finished_at} of its jobs, or null
 */
public record StoredBatch(
        String id,
        String endpoint,
        String completionWindow,
        String inputFileId,
        String status,
        Instant createdAt,
        Instant inProgressAt,
        Instant expiresAt,
        Instant failedAt,
        Instant cancelledAt,
        String metadataJson,
        int invalidLines,
        long jobs,
        long pending,
        long succeeded,
        long failedJobs,
        Instant lastFinishedAt) {
}
