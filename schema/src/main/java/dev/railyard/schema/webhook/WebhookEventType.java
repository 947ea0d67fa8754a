package dev.railyard.schema.webhook;

import java.util.Arrays;
import java.util.Optional;

/**
 * The webhook events Railyard sends (the payload's {@code type}). Each subject (a job or a batch) gets at most one
 * event, so the event id is derived from the subject and the type: {@code evt_<subject id>_<outcome>}. The id is
 * the {@code webhook-id} header of every attempt, for receivers to drop repeats.
 */
public enum WebhookEventType {
    JOB_SUCCEEDED("job.succeeded"),
    /** A job that ended failed, rejected, expired or cancelled; {@code data.status} says which. */
    JOB_FAILED("job.failed"),
    BATCH_COMPLETED("batch.completed"),
    /** A batch refused as a whole (no valid line). */
    BATCH_FAILED("batch.failed"),
    BATCH_EXPIRED("batch.expired"),
    BATCH_CANCELLED("batch.cancelled");

    private final String code;

    WebhookEventType(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** {@code evt_job_abc_succeeded}, {@code evt_batch_xyz_completed}: stable, so a repeat is recognisable. */
    public String eventId(String subjectId) {
        return "evt_" + subjectId + "_" + code.substring(code.indexOf('.') + 1);
    }

    /** The event for a job that reached {@code state} (a terminal job state). */
    public static WebhookEventType forJobState(String state) {
        return "succeeded".equals(state) ? JOB_SUCCEEDED : JOB_FAILED;
    }

    public static Optional<WebhookEventType> of(String code) {
        return Arrays.stream(values()).filter(t -> t.code.equals(code)).findFirst();
    }
}
