package dev.railyard.api.anthropic;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.railyard.api.Ids;
import java.time.Instant;

/**
 * Anthropic's MessageBatch object. Unset times are written as null, as Anthropic does (its clients read them as
 * required-but-nullable), whatever mapper writes it.
 *
 * @param processingStatus {@code in_progress}, {@code canceling} or {@code ended}
 * @param resultsUrl       where the results are, once ended; null before
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"id", "type", "processing_status", "request_counts", "ended_at", "created_at", "expires_at",
        "archived_at", "cancel_initiated_at", "results_url"})
record MessageBatch(
        String id,
        String type,
        String processingStatus,
        RequestCounts requestCounts,
        String endedAt,
        String createdAt,
        String expiresAt,
        String archivedAt,
        String cancelInitiatedAt,
        String resultsUrl) {

    static final String IN_PROGRESS = "in_progress";
    static final String CANCELING = "canceling";
    static final String ENDED = "ended";

    record RequestCounts(long processing, long succeeded, long errored, long canceled, long expired) {
    }

    /**
     * Ended once every request has a result: canceled and expired requests end too (a cancelled batch's requests not
     * yet started end canceled; the window's end expires the rest).
     *
     * @param baseUrl the scheme and host the client called, for {@code results_url}
     */
    static MessageBatch of(MessageBatchStore.Row row, String baseUrl) {
        boolean ended = row.processing() == 0;
        String status = ended ? ENDED : row.cancellingAt() != null ? CANCELING : IN_PROGRESS;
        Instant endedAt = !ended ? null : row.lastFinishedAt() != null ? row.lastFinishedAt() : row.createdAt();
        return new MessageBatch(row.id(), "message_batch", status,
                new RequestCounts(row.processing(), row.succeeded(), row.errored(), row.canceled(), row.expired()),
                time(endedAt), time(row.createdAt()), time(row.expiresAt()), null, time(row.cancellingAt()),
                ended ? baseUrl + "/v1/messages/batches/" + row.id() + "/results" : null);
    }

    boolean ended() {
        return ENDED.equals(processingStatus);
    }

    static boolean isMessageBatchId(String id) {
        return id != null && id.startsWith(Ids.MESSAGE_BATCH_PREFIX);
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
