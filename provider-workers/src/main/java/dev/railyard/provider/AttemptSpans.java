package dev.railyard.provider;

import dev.railyard.kafka.trace.JobTracing;
import dev.railyard.kafka.trace.TraceAttributes;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.Endpoint;
import dev.railyard.schema.event.JobSubmitted;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One span per provider call, named and attributed after the OpenTelemetry GenAI conventions ("chat gpt-4o-mini",
 * {@code gen_ai.*}, {@code error.type}), a child of the job's dispatch span. Made from the job's {@link Attempt}
 * records once its calls on a deployment end, with their recorded start and latency: the attempt loop, its
 * timers and its rate-limit waits stay free of tracing, and a span says exactly what the attempt record says.
 */
final class AttemptSpans {
    private final JobTracing tracing;

    AttemptSpans(JobTracing tracing) {
        this.tracing = tracing;
    }

    void record(Span parent, JobSubmitted job, List<Attempt> attempts) {
        Context context = Context.root().with(parent);
        String operation = Endpoint.EMBEDDINGS.path().equals(job.endpoint()) ? "embeddings" : "chat";
        for (Attempt a : attempts) {
            SpanBuilder builder = tracing.span(operation + " " + a.model())
                    .setParent(context)
                    .setSpanKind(SpanKind.CLIENT)
                    .setStartTimestamp(a.startedAt())
                    .setAttribute(TraceAttributes.GEN_AI_OPERATION, operation)
                    .setAttribute(TraceAttributes.GEN_AI_PROVIDER, a.provider())
                    .setAttribute(TraceAttributes.GEN_AI_REQUEST_MODEL, a.model())
                    .setAttribute(TraceAttributes.DEPLOYMENT, a.deploymentId())
                    .setAttribute(TraceAttributes.ATTEMPT_ID, a.attemptId())
                    .setAttribute(TraceAttributes.ATTEMPT_HOP, (long) a.hop())
                    .setAttribute(TraceAttributes.ATTEMPT_TRY, (long) a.tryNumber());
            TraceAttributes.job(builder, job.jobId(), job.batchId(), job.tenant());
            if (a.httpStatus() != null) {
                builder.setAttribute(TraceAttributes.HTTP_STATUS, (long) a.httpStatus());
            }
            if (a.usage() != null && a.billed()) {
                builder.setAttribute(TraceAttributes.GEN_AI_INPUT_TOKENS, a.usage().promptTokens())
                        .setAttribute(TraceAttributes.GEN_AI_OUTPUT_TOKENS, a.usage().completionTokens());
            }
            if (a.cost() != null && a.billed()) {
                builder.setAttribute(TraceAttributes.COST_USD, a.cost().toPlainString());
            }
            Span span = builder.startSpan();
            if (a.error() != null) {
                // The type only: a provider's message or body may echo the request (prompts stay out of traces).
                span.setAttribute(TraceAttributes.ERROR_TYPE, a.error().type().code());
                span.setStatus(StatusCode.ERROR, a.error().type().code());
            }
            long startNanos = TimeUnit.SECONDS.toNanos(a.startedAt().getEpochSecond()) + a.startedAt().getNano();
            span.end(startNanos + TimeUnit.MILLISECONDS.toNanos(a.latencyMs()), TimeUnit.NANOSECONDS);
        }
    }
}
