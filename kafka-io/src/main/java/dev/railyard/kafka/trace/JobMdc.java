package dev.railyard.kafka.trace;

import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;

/**
 * A job's ids in the logging MDC for the lines logged while it is open (JSON logs show them as fields:
 * docs/observability.md). Workers handle a job on callbacks, across threads, so a line that is about a job opens
 * one around itself: {@code try (JobMdc m = JobMdc.of(...)) { log.info(...); }}. Null values are left out.
 */
public final class JobMdc implements AutoCloseable {
    public static final String JOB_ID = "job_id";
    public static final String BATCH_ID = "batch_id";
    public static final String TENANT = "tenant";
    public static final String TRACE_ID = "trace_id";
    public static final String SPAN_ID = "span_id";
    private static final String[] KEYS = {JOB_ID, BATCH_ID, TENANT, TRACE_ID, SPAN_ID};

    private JobMdc() {
    }

    /** @param span the job's current span (an invalid one, as without tracing, leaves the trace fields out) */
    public static JobMdc of(String jobId, String batchId, String tenant, SpanContext span) {
        put(JOB_ID, jobId);
        put(BATCH_ID, batchId);
        put(TENANT, tenant);
        if (span != null && span.isValid()) {
            put(TRACE_ID, span.getTraceId());
            put(SPAN_ID, span.getSpanId());
        }
        return new JobMdc();
    }

    private static void put(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
        } else {
            MDC.remove(key);
        }
    }

    @Override
    public void close() {
        for (String key : KEYS) {
            MDC.remove(key);
        }
    }
}
