package dev.railyard.kafka.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobTracingTest {
    private static final String PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    private final JobTracing tracing = new JobTracing(OpenTelemetrySdk.builder().setTracerProvider(provider).build());

    @AfterEach
    void close() {
        provider.close();
    }

    @Test
    void a_callers_traceparent_header_is_read_and_a_missing_or_malformed_one_is_invalid() {
        java.util.Map<String, String> headers = java.util.Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        io.opentelemetry.api.trace.SpanContext caller = tracing.caller(headers::get);

        assertThat(caller.isValid()).isTrue();
        assertThat(caller.isRemote()).isTrue();
        assertThat(caller.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(caller.getSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(tracing.caller(name -> null).isValid()).isFalse();
        assertThat(tracing.caller(java.util.Map.of("traceparent", "00-abc-def-01")::get).isValid()).isFalse();
    }

    @Test
    void a_consumed_record_span_is_the_child_of_its_traceparent_and_is_what_the_next_record_carries() {
        Span span = tracing.consume("route", incoming(PARENT));
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>("next", new byte[0]);
        out.headers().add("traceparent", PARENT.getBytes(StandardCharsets.UTF_8)); // copied along: must be replaced
        tracing.inject(span, out);
        span.end();

        SpanData data = exporter.getFinishedSpanItems().getFirst();
        assertThat(data.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(data.getParentSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(data.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(out.headers().headers("traceparent")).hasSize(1);
        assertThat(text(out, "traceparent")).isEqualTo("00-0af7651916cd43dd8448eb211c80319c-" + data.getSpanId() + "-01");
    }

    @Test
    void without_tracing_the_context_a_record_arrived_with_is_passed_on_unchanged() {
        JobTracing noop = new JobTracing(OpenTelemetry.noop());
        Span span = noop.consume("route", incoming(PARENT));
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>("next", new byte[0]);
        noop.inject(span, out);

        assertThat(text(out, "traceparent")).isEqualTo(PARENT);
        assertThat(exporter.getFinishedSpanItems()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "00-abc-def-01", "00-00000000000000000000000000000000-b7ad6b7169203331-01"})
    void a_record_without_a_valid_traceparent_starts_a_new_trace(String header) {
        Span span = tracing.consume("ledger", incoming(header));
        span.end();

        SpanData data = exporter.getFinishedSpanItems().getFirst();
        assertThat(data.getParentSpanContext().isValid()).isFalse();
        assertThat(data.getTraceId()).isNotEqualTo("0af7651916cd43dd8448eb211c80319c");
    }

    @Test
    void no_context_is_written_for_an_invalid_span() {
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>("next", new byte[0]);
        new JobTracing(OpenTelemetry.noop()).inject(Span.getInvalid(), out);
        assertThat(out.headers().toArray()).isEmpty();
    }

    @Test
    void the_mdc_holds_a_jobs_ids_while_open_and_nothing_after() {
        Span span = tracing.span("x").startSpan();
        try (JobMdc m = JobMdc.of("job_1", null, "acme", span.getSpanContext())) {
            assertThat(org.slf4j.MDC.get(JobMdc.JOB_ID)).isEqualTo("job_1");
            assertThat(org.slf4j.MDC.get(JobMdc.BATCH_ID)).isNull();
            assertThat(org.slf4j.MDC.get(JobMdc.TRACE_ID)).isEqualTo(span.getSpanContext().getTraceId());
        }
        assertThat(List.of(JobMdc.JOB_ID, JobMdc.TENANT, JobMdc.TRACE_ID, JobMdc.SPAN_ID)).allSatisfy(k ->
                assertThat(org.slf4j.MDC.get(k)).isNull());
    }

    private static ConsumerRecord<byte[], byte[]> incoming(String traceparent) {
        RecordHeaders headers = new RecordHeaders();
        if (!traceparent.isEmpty()) {
            headers.add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
        }
        return new ConsumerRecord<>("in", 0, 0L, 0L, org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, 0,
                new byte[0], new byte[0], headers, java.util.Optional.empty());
    }

    private static String text(ProducerRecord<byte[], byte[]> record, String header) {
        return new String(record.headers().lastHeader(header).value(), StandardCharsets.UTF_8);
    }
}
