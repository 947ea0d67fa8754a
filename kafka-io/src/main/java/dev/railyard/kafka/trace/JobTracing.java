package dev.railyard.kafka.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * One trace per job across the services: each hop extracts the W3C trace context ({@code traceparent},
 * {@code tracestate}) from the record it handles, starts its span as a child of it, and injects that span into
 * the records it produces (docs/observability.md).
 *
 * <p>The header format is W3C whatever propagators the SDK was built with: it is part of the Kafka contract.
 * With {@link OpenTelemetry#noop()} nothing is recorded, yet a context that arrives is still passed on (the
 * no-op tracer's spans carry their parent's context), so an uninstrumented hop does not break a trace.
 */
public final class JobTracing {
    /** The instrumentation scope of every Railyard span. */
    public static final String SCOPE = "dev.railyard";
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final JobTracing NOOP = new JobTracing(OpenTelemetry.noop());

    private final Tracer tracer;

    public JobTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer(SCOPE);
    }

    /** Records nothing; passes on the context records arrive with. */
    public static JobTracing noop() {
        return NOOP;
    }

    /** A span of this service; the caller sets its parent (or none), kind and attributes. */
    public SpanBuilder span(String name) {
        return tracer.spanBuilder(name);
    }

    /** The trace context a record carries; {@link Context#root()} when it carries none (or a malformed one). */
    public Context extract(Headers headers) {
        return W3C.extract(Context.root(), headers, RecordHeaders.INSTANCE);
    }

    /**
     * The span context a caller sent in W3C headers ({@code traceparent}, {@code tracestate}) read through
     * {@code header}; invalid when it sent none or a malformed one.
     */
    public SpanContext caller(Function<String, String> header) {
        return Span.fromContext(W3C.extract(Context.root(), header, CallerHeaders.INSTANCE)).getSpanContext();
    }

    /** Reads request headers by name for the W3C propagator. */
    private enum CallerHeaders implements TextMapGetter<Function<String, String>> {
        INSTANCE;

        @Override
        public Iterable<String> keys(Function<String, String> carrier) {
            return W3C.fields();
        }

        @Override
        public String get(Function<String, String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    }

    /** Starts a {@link SpanKind#CONSUMER} span as the child of the context {@code record} carries. */
    public Span consume(String name, ConsumerRecord<?, ?> record) {
        return tracer.spanBuilder(name).setParent(extract(record.headers())).setSpanKind(SpanKind.CONSUMER).startSpan();
    }

    /** Writes {@code span}'s context into the record's headers, replacing the context it carried. */
    public void inject(Span span, ProducerRecord<?, ?> record) {
        inject(span.getSpanContext(), record.headers());
    }

    public void inject(SpanContext span, Headers headers) {
        if (span.isValid()) {
            W3C.inject(Context.root().with(Span.wrap(span)), headers, RecordHeaders.INSTANCE);
        }
    }
}
