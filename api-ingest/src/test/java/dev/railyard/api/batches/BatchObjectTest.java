package dev.railyard.api.batches;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.schema.EventCodec;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BatchObjectTest {
    private static final Instant CREATED = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant EXPIRES = Instant.parse("2025-01-02T00:00:00Z");
    private static final Instant FINISHED = Instant.parse("2025-01-01T00:05:00Z");
    private static final Instant CANCEL = Instant.parse("2025-01-01T00:02:00Z");
    private static final Instant FINALIZED = Instant.parse("2025-01-01T00:05:01Z");
    private final ObjectMapper mapper = new EventCodec().mapper();

    private static StoredBatch batch(String status, int invalid, long jobs, long pending, long succeeded, long failed, Instant lastFinished) {
        return batch(status, invalid, jobs, pending, succeeded, failed, 0, lastFinished, null, null);
    }

    private static StoredBatch batch(String status, int invalid, long jobs, long pending, long succeeded, long failed,
                                     long expired, Instant lastFinished, Instant cancellingAt, Instant finalizedAt) {
        return new StoredBatch("batch_x", "/v1/chat/completions", "24h", null, status, CREATED,
                "failed".equals(status) ? null : CREATED, EXPIRES, "failed".equals(status) ? CREATED : null, cancellingAt,
                finalizedAt, finalizedAt != null && succeeded > 0 ? "file-out" : null,
                finalizedAt != null && failed + invalid > 0 ? "file-err" : null, null,
                invalid, jobs, pending, succeeded, failed, expired, lastFinished);
    }

    @Test
    void an_in_progress_batch_omits_every_unset_field_rather_than_writing_null() throws Exception {
        JsonNode json = mapper.readTree(mapper.writeValueAsString(BatchObject.of(batch("in_progress", 0, 3, 3, 0, 0, null), List.of())));

        assertThat(json.get("status").asText()).isEqualTo("in_progress");
        assertThat(json.has("input_file_id")).isFalse();
        assertThat(json.has("completed_at")).isFalse();
        assertThat(json.has("failed_at")).isFalse();
        assertThat(json.has("cancelled_at")).isFalse();
        assertThat(json.has("metadata")).isFalse();
        assertThat(json.has("errors")).isFalse();
        json.properties().forEach(e -> assertThat(e.getValue().isNull()).as(e.getKey()).isFalse());
        assertThat(json.get("object").asText()).isEqualTo("batch");
        assertThat(json.get("created_at").asLong()).isEqualTo(CREATED.getEpochSecond());
        assertThat(json.get("in_progress_at").asLong()).isEqualTo(CREATED.getEpochSecond());
        assertThat(json.get("expires_at").asLong()).isEqualTo(EXPIRES.getEpochSecond());
        assertThat(json.get("completion_window").asText()).isEqualTo("24h");
        assertThat(json.get("output_url").asText()).isEqualTo("/v1/batches/batch_x/output");
        assertThat(json.get("errors_url").asText()).isEqualTo("/v1/batches/batch_x/errors");
    }

    @Test
    void writes_snake_case_even_with_a_plain_mapper() throws Exception {
        JsonNode json = new ObjectMapper().valueToTree(BatchObject.of(batch("in_progress", 0, 1, 1, 0, 0, null), List.of()));
        assertThat(json.has("request_counts")).isTrue();
        assertThat(json.has("completed_at")).isFalse();
        assertThat(json.has("requestCounts")).isFalse();
    }

    static Stream<Arguments> states() {
        return Stream.of(
                // status, invalid, jobs, pending, succeeded, failed -> status, total, completed, failed
                Arguments.of("in_progress", 1, 3, 2, 1, 0, "in_progress", 4, 1, 1),
                Arguments.of("in_progress", 1, 3, 0, 3, 0, "completed", 4, 3, 1),
                Arguments.of("in_progress", 0, 3, 0, 1, 2, "completed", 3, 1, 2),
                Arguments.of("failed", 2, 0, 0, 0, 0, "failed", 2, 0, 2));
    }

    @ParameterizedTest(name = "{0} with {3} pending -> {6}")
    @MethodSource("states")
    void derives_status_and_request_counts_from_job_states(String stored, int invalid, long jobs, long pending, long succeeded,
                                                           long failed, String status, long total, long completedCount, long failedCount) {
        boolean ended = pending == 0 && jobs > 0;
        BatchObject b = BatchObject.of(batch(stored, invalid, jobs, pending, succeeded, failed, 0, ended ? FINISHED : null,
                null, ended ? FINALIZED : null), List.of());

        assertThat(b.status()).isEqualTo(status);
        assertThat(b.requestCounts()).isEqualTo(new BatchObject.RequestCounts(total, completedCount, failedCount));
        assertThat(b.completedAt()).isEqualTo("completed".equals(status) ? FINALIZED.getEpochSecond() : null);
        assertThat(b.finalizingAt()).isEqualTo("completed".equals(status) ? FINISHED.getEpochSecond() : null);
    }

    static Stream<Arguments> lifecycle() {
        return Stream.of(
                // pending, expired, cancelling, finalized -> status, the one lifecycle time set besides the usual ones
                Arguments.of(2, 0, false, false, "in_progress", null),
                Arguments.of(0, 0, false, false, "finalizing", "finalizing_at"),
                Arguments.of(0, 0, false, true, "completed", "completed_at"),
                Arguments.of(0, 1, false, true, "expired", "expired_at"),
                Arguments.of(2, 0, true, false, "cancelling", "cancelling_at"),
                Arguments.of(0, 0, true, false, "cancelling", "cancelling_at"),
                Arguments.of(0, 0, true, true, "cancelled", "cancelled_at"));
    }

    @ParameterizedTest(name = "pending {0}, expired {1}, cancelling {2}, finalized {3} -> {4}")
    @MethodSource("lifecycle")
    void follows_openai_batch_lifecycle_and_sets_each_timestamp_once_reached(long pending, long expired, boolean cancelling,
                                                                               boolean finalized, String status, String stamp) {
        BatchObject b = BatchObject.of(batch("in_progress", 0, 3, pending, 3 - pending - expired, expired, expired,
                pending == 0 ? FINISHED : null, cancelling ? CANCEL : null, finalized ? FINALIZED : null), List.of());
        JsonNode json = mapper.valueToTree(b);

        assertThat(b.status()).isEqualTo(status);
        for (String field : List.of("finalizing_at", "completed_at", "expired_at", "cancelled_at")) {
            boolean expected = field.equals(stamp) || field.equals("finalizing_at") && finalized && !cancelling;
            assertThat(json.has(field)).as(field).isEqualTo(expected);
        }
        assertThat(json.has("cancelling_at")).isEqualTo(cancelling);
        assertThat(json.has("output_file_id")).isEqualTo(finalized && 3 - pending - expired > 0);
        assertThat(json.has("error_file_id")).isEqualTo(finalized && expired > 0);
        json.properties().forEach(e -> assertThat(e.getValue().isNull()).as(e.getKey()).isFalse());
    }

    @Test
    void a_failed_batch_lists_its_rejected_lines_as_errors() throws Exception {
        List<LineError> errors = List.of(new LineError(1, "a", "invalid_method", "method", "method must be POST"),
                new LineError(2, null, "invalid_json", null, "not JSON"));

        JsonNode json = mapper.readTree(mapper.writeValueAsString(BatchObject.of(batch("failed", 2, 0, 0, 0, 0, null), errors)));

        assertThat(json.get("status").asText()).isEqualTo("failed");
        assertThat(json.get("failed_at").asLong()).isEqualTo(CREATED.getEpochSecond());
        assertThat(json.has("in_progress_at")).isFalse();
        JsonNode list = json.get("errors");
        assertThat(list.get("object").asText()).isEqualTo("list");
        assertThat(list.get("data").get(0).get("code").asText()).isEqualTo("invalid_method");
        assertThat(list.get("data").get(0).get("param").asText()).isEqualTo("method");
        assertThat(list.get("data").get(0).get("line").asInt()).isEqualTo(1);
        assertThat(list.get("data").get(1).has("param")).isFalse();
        assertThat(list.get("data").get(1).get("line").asInt()).isEqualTo(2);
    }

    @Test
    void metadata_is_written_as_the_stored_json_object() throws Exception {
        StoredBatch b = new StoredBatch("batch_m", "/v1/embeddings", "24h", "file_1", "in_progress", CREATED, CREATED, EXPIRES,
                null, null, null, null, null, "{\"team\": \"search\"}", 0, 1, 1, 0, 0, 0, null);

        JsonNode json = mapper.readTree(mapper.writeValueAsString(BatchObject.of(b, List.of())));

        assertThat(json.get("metadata").get("team").asText()).isEqualTo("search");
        assertThat(json.get("input_file_id").asText()).isEqualTo("file_1");
    }
}
