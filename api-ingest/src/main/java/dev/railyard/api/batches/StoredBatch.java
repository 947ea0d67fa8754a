package dev.railyard.api.batches;

import java.time.Instant;

/**
 * A {@code batches} row with the state of its jobs, counted in the same query.
 *
 * @param status       the stored status: {@code in_progress}, or {@code failed} when no line was valid
 * @param inputFileId  the uploaded file the batch was made from, or null (a JSONL body)
 * @param cancellingAt when a cancel was asked for, or null
 * @param finalizedAt  when every job had ended and the output and error files were written, or null
 * @param outputFileId the output file (succeeded jobs), once finalized and when any succeeded
 * @param errorFileId  the error file (failed jobs and rejected lines), once finalized and when any failed
 * @param invalidLines lines that never became jobs
 * @param jobs         jobs of the batch
 * @param pending      jobs not yet in a terminal state
 * @param succeeded    jobs that succeeded
 * @param failedJobs   jobs that failed, were rejected, cancelled or expired
 * @param expiredJobs  jobs that expired (included in failedJobs)
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
        Instant cancellingAt,
        Instant finalizedAt,
        String outputFileId,
        String errorFileId,
        String metadataJson,
        int invalidLines,
        long jobs,
        long pending,
        long succeeded,
        long failedJobs,
        long expiredJobs,
        Instant lastFinishedAt) {
}
