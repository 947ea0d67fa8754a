package dev.railyard.schema.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.schema.event.ErrorType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Webhook payloads in the Standard Webhooks convention, {@code {"type", "timestamp", "data"}}: thin objects naming the
 * job or batch and its final status; the full result is read through the API (it is readable before the event is
 * sent). The payload is written once, when the event is recorded, and every attempt sends the same bytes.
 */
public final class WebhookPayloads {
    private final ObjectMapper mapper;

    public WebhookPayloads(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * @param errorJson the {@code jobs.error} column (a normalised JobError), or null
     * @return {@code data: {id, object: "job", status, batch_id?, custom_id?, error?: {code, message}}}
     */
    public String job(WebhookEventType type, Instant at, String jobId, String status, String batchId, String customId,
                      String errorJson) {
        ObjectNode root = envelope(type, at);
        ObjectNode data = root.putObject("data");
        data.put("id", jobId);
        data.put("object", "job");
        data.put("status", status);
        putIfSet(data, "batch_id", batchId);
        putIfSet(data, "custom_id", customId);
        if (!"succeeded".equals(status)) {
            data.set("error", error(errorJson, status));
        }
        return write(root);
    }

    /** @return {@code data: {id, object: "batch", status, request_counts: {total, completed, failed}}} */
    public String batch(WebhookEventType type, Instant at, String batchId, String status, long total, long completed, long failed) {
        ObjectNode root = envelope(type, at);
        ObjectNode data = root.putObject("data");
        data.put("id", batchId);
        data.put("object", "batch");
        data.put("status", status);
        data.putObject("request_counts").put("total", total).put("completed", completed).put("failed", failed);
        return write(root);
    }

    private ObjectNode envelope(WebhookEventType type, Instant at) {
        ObjectNode root = mapper.createObjectNode();
        root.put("type", type.code());
        root.put("timestamp", at.truncatedTo(ChronoUnit.MILLIS).toString());
        return root;
    }

    /** As the API shows a job's error: the error type as {@code code}; a job ended without one gets its state. */
    private ObjectNode error(String errorJson, String status) {
        JsonNode stored = null;
        if (errorJson != null) {
            try {
                stored = mapper.readTree(errorJson);
            } catch (JsonProcessingException e) {
                stored = null; // jsonb is always valid JSON; fall back to the status below
            }
        }
        String code = text(stored, "type");
        if (code == null) {
            code = text(stored, "code");
        }
        String message = text(stored, "message");
        return mapper.createObjectNode()
                .put("code", code != null ? code : "failed".equals(status) ? ErrorType.INTERNAL.code() : status)
                .put("message", message != null ? message : "the job ended " + status);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private String write(ObjectNode root) {
        try {
            return mapper.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
    }
}
