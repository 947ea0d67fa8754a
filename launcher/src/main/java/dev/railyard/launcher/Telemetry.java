package dev.railyard.launcher;

import dev.railyard.kafka.trace.JobTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * This process's OpenTelemetry: off (no-op: nothing recorded, trace context passed on) unless an OTLP endpoint is
 * configured, then an SDK exporting spans over OTLP/HTTP in batches (docs/observability.md). Built once by the
 * launcher and handed to the services through their {@code KafkaClients}; no global instance is set.
 *
 * <p>Environment: {@code RAILYARD_OTLP_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_ENDPOINT} (a base URL, {@code /v1/traces}
 * is appended), or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} (the full URL); {@code OTEL_SERVICE_NAME};
 * {@code OTEL_EXPORTER_OTLP_HEADERS} ({@code k=v,k2=v2}); {@code OTEL_TRACES_SAMPLER_ARG} (a ratio of new traces to
 * keep, 1 by default; a job's later hops follow its first).
 */
public final class Telemetry implements AutoCloseable {
    static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

    private final OpenTelemetry openTelemetry;
    private final SdkTracerProvider provider; // null when off
    private final JobTracing tracing;

    private Telemetry(OpenTelemetry openTelemetry, SdkTracerProvider provider) {
        this.openTelemetry = openTelemetry;
        this.provider = provider;
        this.tracing = new JobTracing(openTelemetry);
    }

    public static Telemetry off() {
        return new Telemetry(OpenTelemetry.noop(), null);
    }

    /** @param defaultServiceName used when {@code OTEL_SERVICE_NAME} is not set */
    public static Telemetry fromEnv(Map<String, String> env, String defaultServiceName) {
        String traces = blankToNull(env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
        String base = blankToNull(env.getOrDefault("RAILYARD_OTLP_ENDPOINT", env.get("OTEL_EXPORTER_OTLP_ENDPOINT")));
        if (traces == null && base == null) {
            return off();
        }
        String url = traces != null ? traces : base.replaceAll("/+$", "") + "/v1/traces";
        OtlpHttpSpanExporterBuilder exporter = OtlpHttpSpanExporter.builder().setEndpoint(url);
        String headers = blankToNull(env.get("OTEL_EXPORTER_OTLP_HEADERS"));
        if (headers != null) {
            for (String pair : headers.split(",")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    exporter.addHeader(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
                }
            }
        }
        String ratio = blankToNull(env.get("OTEL_TRACES_SAMPLER_ARG"));
        Sampler sampler = Sampler.parentBased(ratio == null ? Sampler.alwaysOn() : Sampler.traceIdRatioBased(Double.parseDouble(ratio)));
        String service = blankToNull(env.get("OTEL_SERVICE_NAME"));
        return with(service == null ? defaultServiceName : service, BatchSpanProcessor.builder(exporter.build()).build(), sampler);
    }

    /** Spans of service {@code serviceName} handed to {@code processor} (a simple processor over an in-memory exporter in tests). */
    public static Telemetry with(String serviceName, SpanProcessor processor) {
        return with(serviceName, processor, Sampler.parentBased(Sampler.alwaysOn()));
    }

    private static Telemetry with(String serviceName, SpanProcessor processor, Sampler sampler) {
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(SERVICE_NAME, serviceName))))
                .setSampler(sampler)
                .addSpanProcessor(processor)
                .build();
        return new Telemetry(OpenTelemetrySdk.builder().setTracerProvider(provider).build(), provider);
    }

    public boolean enabled() {
        return provider != null;
    }

    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    public JobTracing tracing() {
        return tracing;
    }

    /** Exports the spans still buffered (bounded), then stops. */
    @Override
    public void close() {
        if (provider != null) {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
