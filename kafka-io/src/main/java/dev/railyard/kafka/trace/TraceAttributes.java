package dev.railyard.kafka.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;

/**
 * Span attribute names: Railyard's own under {@code railyard.}, the model call's after the OpenTelemetry GenAI
 * semantic conventions ({@code gen_ai.}), the error's as {@code error.type} (docs/observability.md).
 */
public final class TraceAttributes {
    public static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("railyard.job.id");
    public static final AttributeKey<String> BATCH_ID = AttributeKey.stringKey("railyard.batch.id");
    public static final AttributeKey<String> TENANT = AttributeKey.stringKey("railyard.tenant");
    public static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("railyard.endpoint");
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("railyard.outcome");
    public static final AttributeKey<String> DEPLOYMENT = AttributeKey.stringKey("railyard.deployment.id");
    public static final AttributeKey<String> ATTEMPT_ID = AttributeKey.stringKey("railyard.attempt.id");
    public static final AttributeKey<Long> ATTEMPT_TRY = AttributeKey.longKey("railyard.attempt.try");
    public static final AttributeKey<Long> ATTEMPT_HOP = AttributeKey.longKey("railyard.attempt.hop");
    public static final AttributeKey<String> COST_USD = AttributeKey.stringKey("railyard.cost_usd");
    public static final AttributeKey<Long> BATCH_JOBS = AttributeKey.longKey("railyard.batch.jobs");

    public static final AttributeKey<String> GEN_AI_OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    public static final AttributeKey<String> GEN_AI_PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    public static final AttributeKey<String> GEN_AI_REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    public static final AttributeKey<Long> GEN_AI_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    public static final AttributeKey<Long> GEN_AI_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    public static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

    public static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    public static final AttributeKey<String> MESSAGING_DESTINATION = AttributeKey.stringKey("messaging.destination.name");

    private TraceAttributes() {
    }

    /** The job's ids on a span (null values left out). */
    public static SpanBuilder job(SpanBuilder span, String jobId, String batchId, String tenant) {
        return span.setAllAttributes(jobIds(jobId, batchId, tenant));
    }

    /** The job's ids on a started span (null values left out). */
    public static Span job(Span span, String jobId, String batchId, String tenant) {
        return span.setAllAttributes(jobIds(jobId, batchId, tenant));
    }

    private static Attributes jobIds(String jobId, String batchId, String tenant) {
        AttributesBuilder ids = Attributes.builder();
        if (jobId != null) {
            ids.put(JOB_ID, jobId);
        }
        if (batchId != null) {
            ids.put(BATCH_ID, batchId);
        }
        if (tenant != null) {
            ids.put(TENANT, tenant);
        }
        return ids.build();
    }
}
