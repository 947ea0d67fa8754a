package dev.railyard.schema;

/** Kafka header names Railyard sets on its records. */
public final class Headers {
    public static final String TENANT = "railyard.tenant";
    /** On dispatch records: the job's priority class (interactive, standard, bulk), read by the workers' fair scheduler. */
    public static final String PRIORITY = "railyard.priority";
    public static final String TRACEPARENT = "traceparent";
    /** The job's id on records keyed by something else (submitted and dispatch records are keyed by tenant and class). */
    public static final String JOB_ID = "railyard.job.id";

    /** Dead-letter records keep the original key, value and headers and add these (as Kafka Connect does). */
    public static final String DLQ_STAGE = "railyard.dlq.stage";
    public static final String DLQ_REASON = "railyard.dlq.reason";
    public static final String DLQ_ERROR_TYPE = "railyard.dlq.error.type";
    public static final String DLQ_TOPIC = "railyard.dlq.topic";
    public static final String DLQ_PARTITION = "railyard.dlq.partition";
    public static final String DLQ_OFFSET = "railyard.dlq.offset";
    public static final String DLQ_ATTEMPTS = "railyard.dlq.attempts";
    public static final String DLQ_AT = "railyard.dlq.at";

    private Headers() {
    }
}
