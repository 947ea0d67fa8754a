package dev.railyard.api.batches;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/**
 * The OpenAI Batch object plus Railyard's {@code output_url} and {@code errors_url}. Unset fields are
 * omitted, never null (OpenAI's spec types them as non-nullable), whatever mapper writes it.
 *
 * @param metadata JSON object text, or null
 * @param errors   only when the batch failed because no line was valid
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"id", "object", "endpoint", "input_file_id", "completion_window", "status", "output_file_id",
        "error_file_id", "output_url", "errors_url", "created_at", "in_progress_at", "expires_at", "finalizing_at",
        "completed_at", "failed_at", "expired_at", "cancelling_at", "cancelled_at", "request_counts", "metadata", "errors"})
public record BatchObject(
        String id,
        String object,
        String endpoint,
        String inputFileId,
        String completionWindow,
        String status,
        String outputFileId,
        String errorFileId,
        String outputUrl,
        String errorsUrl,
        Long createdAt,
        Long inProgressAt,
        Long expiresAt,
        Long finalizingAt,
        Long completedAt,
        Long failedAt,
        Long expiredAt,
        Long cancellingAt,
        Long cancelledAt,
        RequestCounts requestCounts,
        @JsonRawValue String metadata,
        ErrorList errors) {

    public static final String IN_PROGRESS = "in_progress";
    public static final String FINALIZING = "finalizing";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    public static final String EXPIRED = "expired";
    public static final String CANCELLING = "cancelling";
    public static final String CANCELLED = "cancelled";

    public record RequestCounts(long total, long completed, long failed) {
    }

    public record ErrorList(String object, List<Error> data) {
    }

    /** One rejected line: OpenAI's batch error ({@code line} is 1-based). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Error(String code, String message, String param, Integer line) {
    }

    /**
     * Derives the status from the jobs, like OpenAI's lifecycle: {@code failed} when the batch had no valid line;
     * while jobs are unfinished {@code in_progress}, or {@code cancelling} once a cancel was asked for; when every
     * job ended, {@code finalizing} until the output and error files are written (or {@code cancelling} still),
     * then {@code cancelled} when it was cancelled, {@code expired} when its window closed with jobs unfinished
     * (they ended expired), else {@code completed}.
     *
     * @param lineErrors the rejected lines to list when the batch failed (may be a prefix of them)
     */
    public static BatchObject of(StoredBatch b, List<LineError> lineErrors) {
        String status;
        Instant finalizingAt = null;
        Instant completedAt = null;
        Instant expiredAt = null;
        Instant cancelledAt = null;
        boolean cancelling = b.cancellingAt() != null;
        if (FAILED.equals(b.status())) {
            status = FAILED;
        } else if (b.pending() > 0) {
            status = cancelling ? CANCELLING : IN_PROGRESS;
        } else if (b.finalizedAt() == null) {
            status = cancelling ? CANCELLING : FINALIZING;
            finalizingAt = cancelling ? null : lastFinished(b);
        } else if (cancelling) {
            status = CANCELLED;
            cancelledAt = b.finalizedAt();
        } else {
            finalizingAt = lastFinished(b);
            if (b.expiredJobs() > 0) {
                status = EXPIRED;
                expiredAt = b.finalizedAt();
            } else {
                status = COMPLETED;
                completedAt = b.finalizedAt();
            }
        }
        ErrorList errors = FAILED.equals(status) && !lineErrors.isEmpty()
                ? new ErrorList("list", lineErrors.stream()
                        .map(e -> new Error(e.code(), e.message(), e.field(), e.lineNumber())).toList())
                : null;
        return new BatchObject(b.id(), "batch", b.endpoint(), b.inputFileId(), b.completionWindow(), status,
                b.outputFileId(), b.errorFileId(), "/v1/batches/" + b.id() + "/output", "/v1/batches/" + b.id() + "/errors",
                epoch(b.createdAt()), epoch(b.inProgressAt()), epoch(b.expiresAt()), epoch(finalizingAt),
                epoch(completedAt), epoch(b.failedAt()), epoch(expiredAt), epoch(b.cancellingAt()), epoch(cancelledAt),
                new RequestCounts(b.jobs() + b.invalidLines(), b.succeeded(), b.failedJobs() + b.invalidLines()),
                b.metadataJson(), errors);
    }

    private static Instant lastFinished(StoredBatch b) {
        return b.lastFinishedAt() != null ? b.lastFinishedAt() : b.createdAt();
    }

    private static Long epoch(Instant t) {
        return t == null ? null : t.getEpochSecond();
    }
}
