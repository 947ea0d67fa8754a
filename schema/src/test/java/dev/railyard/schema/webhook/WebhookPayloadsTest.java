package dev.railyard.schema.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class WebhookPayloadsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final WebhookPayloads payloads = new WebhookPayloads(JSON);

    @Test
    void a_succeeded_job_is_a_thin_payload_without_error_or_unset_fields() throws Exception {
        String text = payloads.job(WebhookEventType.JOB_SUCCEEDED, Instant.parse("2030-01-02T03:04:05.678901Z"), "job_1",
                "succeeded", null, null, null);

        assertThat(JSON.readTree(text)).isEqualTo(JSON.readTree("""
                {"type":"job.succeeded","timestamp":"2030-01-02T03:04:05.678Z",
                 "data":{"id":"job_1","object":"job","status":"succeeded"}}"""));
        assertThat(text).startsWith("{\"type\":");
    }

    @Test
    void a_failed_job_carries_its_error_as_the_api_shows_it() throws Exception {
        JsonNode failed = JSON.readTree(payloads.job(WebhookEventType.JOB_FAILED, Instant.EPOCH, "job_2", "failed", "batch_1",
                "req-7", "{\"type\":\"rate_limited\",\"message\":\"slow down\",\"http_status\":429}"));
        assertThat(failed.get("data")).isEqualTo(JSON.readTree("""
                {"id":"job_2","object":"job","status":"failed","batch_id":"batch_1","custom_id":"req-7",
                 "error":{"code":"rate_limited","message":"slow down"}}"""));

        JsonNode expired = JSON.readTree(payloads.job(WebhookEventType.JOB_FAILED, Instant.EPOCH, "job_3", "expired", null, null, null));
        assertThat(expired.at("/data/error/code").asText()).isEqualTo("expired");
    }

    @Test
    void a_batch_payload_carries_its_request_counts() throws Exception {
        JsonNode batch = JSON.readTree(payloads.batch(WebhookEventType.BATCH_COMPLETED, Instant.EPOCH, "batch_1", "completed", 3, 2, 1));
        assertThat(batch.get("type").asText()).isEqualTo("batch.completed");
        assertThat(batch.get("data")).isEqualTo(JSON.readTree("""
                {"id":"batch_1","object":"batch","status":"completed","request_counts":{"total":3,"completed":2,"failed":1}}"""));
    }

    @ParameterizedTest
    @CsvSource({
            "succeeded, job.succeeded, evt_job_x_succeeded",
            "failed, job.failed, evt_job_x_failed",
            "rejected, job.failed, evt_job_x_failed",
            "expired, job.failed, evt_job_x_failed",
            "cancelled, job.failed, evt_job_x_failed"})
    void a_job_state_maps_to_one_event_with_a_stable_id(String state, String type, String id) {
        WebhookEventType t = WebhookEventType.forJobState(state);
        assertThat(t.code()).isEqualTo(type);
        assertThat(t.eventId("job_x")).isEqualTo(id);
        assertThat(WebhookEventType.of(type)).contains(t);
    }
}
