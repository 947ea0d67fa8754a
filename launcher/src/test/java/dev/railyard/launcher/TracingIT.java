package dev.railyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.trace.TraceAttributes;
import dev.railyard.simulator.SimulatorSettings;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One trace per job through every service, over the real broker and database: api-ingest's "job accepted" (the
 * root), the router's "route", the provider worker's "dispatch" with one span per provider call (a retry included),
 * and the budget service's "ledger", each the child of the one before, the W3C context carried in Kafka headers.
 */
@ExtendWith(SharedInfrastructure.class)
class TracingIT {
    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static Platform platform;
    private static RailyardClient client;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers, @TempDir Path dir) {
        platform = E2e.platform(servers, dir, SimulatorSettings.defaults(),
                Telemetry.with("railyard-it", SimpleSpanProcessor.create(SPANS)));
        client = new RailyardClient(platform.apiBaseUrl());
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void a_jobs_spans_from_every_service_share_one_trace_with_a_span_per_provider_call() {
        ObjectNode request = E2e.JSON.createObjectNode();
        // The simulator fails the first call of this exact body with a 500: the job succeeds on its second call.
        request.putObject("body").put("model", "gpt-4o-mini").put("max_tokens", 16).putArray("messages").addObject()
                .put("role", "user").put("content", "Trace me [sim:fail_first=1] " + System.nanoTime());
        String jobId = client.post("/v1/jobs", request).path("id").asText();

        Map<String, List<SpanData>> spans = awaitTrace(jobId);

        SpanData accepted = only(spans, "job accepted");
        SpanData route = only(spans, "route");
        SpanData dispatch = only(spans, "dispatch");
        SpanData ledger = only(spans, "ledger");
        List<SpanData> calls = spans.get("chat gpt-4o-mini");
        assertThat(calls).as("a span per provider call").hasSize(2);
        assertThat(spans.values().stream().flatMap(List::stream).map(SpanData::getTraceId).distinct()).hasSize(1);
        assertThat(accepted.getParentSpanContext().isValid()).as("the job's span is the root").isFalse();
        assertThat(accepted.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(route.getParentSpanId()).isEqualTo(accepted.getSpanId());
        assertThat(dispatch.getParentSpanId()).isEqualTo(route.getSpanId());
        assertThat(calls).allSatisfy(c -> assertThat(c.getParentSpanId()).isEqualTo(dispatch.getSpanId()));
        assertThat(ledger.getParentSpanId()).isEqualTo(dispatch.getSpanId());

        assertThat(route.getAttributes().get(TraceAttributes.DEPLOYMENT)).isEqualTo("openai-gpt-4o-mini");
        List<SpanData> byTry = calls.stream()
                .sorted(java.util.Comparator.comparing(c -> c.getAttributes().get(TraceAttributes.ATTEMPT_TRY))).toList();
        SpanData failed = byTry.get(0);
        SpanData succeeded = byTry.get(1);
        assertThat(failed.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(failed.getAttributes().get(TraceAttributes.ERROR_TYPE)).isEqualTo("server_error");
        assertThat(failed.getAttributes().get(TraceAttributes.HTTP_STATUS)).isEqualTo(500L);
        assertThat(succeeded.getAttributes().get(TraceAttributes.ERROR_TYPE)).isNull();
        assertThat(succeeded.getAttributes().get(TraceAttributes.GEN_AI_OPERATION)).isEqualTo("chat");
        assertThat(succeeded.getAttributes().get(TraceAttributes.GEN_AI_PROVIDER)).isEqualTo("openai");
        assertThat(succeeded.getAttributes().get(TraceAttributes.GEN_AI_REQUEST_MODEL)).isEqualTo("gpt-4o-mini");
        assertThat(succeeded.getAttributes().get(TraceAttributes.GEN_AI_INPUT_TOKENS)).isPositive();
        assertThat(succeeded.getAttributes().get(TraceAttributes.GEN_AI_OUTPUT_TOKENS)).isPositive();
        assertThat(succeeded.getStartEpochNanos()).isGreaterThanOrEqualTo(failed.getEndEpochNanos());
        assertThat(ledger.getAttributes().get(TraceAttributes.OUTCOME)).isEqualTo("succeeded");
        assertThat(ledger.getAttributes().get(TraceAttributes.JOB_ID)).isEqualTo(jobId);
        // Prompts stay out of traces.
        assertThat(spans.values().stream().flatMap(List::stream).map(s -> s.getAttributes().toString()))
                .noneMatch(a -> a.contains("Trace me"));
    }

    @Test
    void each_job_of_a_batch_has_a_trace_of_its_own_linked_to_the_batch() {
        String batchId = client.submitBatch(E2e.batch("traced", 4, "")).path("id").asText();
        List<String> jobIds = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            jobIds.add(E2e.jobIdOf(platform, batchId, "traced-" + i));
        }

        List<String> traceIds = new ArrayList<>();
        for (String jobId : jobIds) {
            Map<String, List<SpanData>> spans = awaitTrace(jobId);
            SpanData accepted = only(spans, "job accepted");
            SpanData route = only(spans, "route");
            SpanData dispatch = only(spans, "dispatch");
            SpanData ledger = only(spans, "ledger");
            assertThat(spans.values().stream().flatMap(List::stream).map(SpanData::getTraceId).distinct()).hasSize(1);
            assertThat(route.getParentSpanId()).isEqualTo(accepted.getSpanId());
            assertThat(dispatch.getParentSpanId()).isEqualTo(route.getSpanId());
            assertThat(ledger.getParentSpanId()).isEqualTo(dispatch.getSpanId());
            assertThat(accepted.getAttributes().get(TraceAttributes.BATCH_ID)).isEqualTo(batchId);
            List<LinkData> links = accepted.getLinks();
            assertThat(links).hasSize(1);
            SpanData batch = SPANS.getFinishedSpanItems().stream()
                    .filter(s -> s.getSpanId().equals(links.getFirst().getSpanContext().getSpanId()))
                    .findFirst().orElseThrow(() -> new AssertionError("the linked batch span was not exported"));
            assertThat(batch.getName()).isEqualTo("batch accepted");
            assertThat(batch.getAttributes().get(TraceAttributes.BATCH_ID)).isEqualTo(batchId);
            assertThat(batch.getTraceId()).isNotEqualTo(accepted.getTraceId());
            traceIds.add(accepted.getTraceId());
        }
        assertThat(traceIds).doesNotHaveDuplicates();
    }

    @Test
    void a_clients_traceparent_is_linked_from_the_jobs_own_trace() throws Exception {
        String callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String callerSpan = "00f067aa0ba902b7";
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(platform.apiBaseUrl() + "/v1/jobs"))
                .header("content-type", "application/json").header("traceparent", "00-" + callerTrace + "-" + callerSpan + "-01")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gpt-4o-mini\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"linked\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String jobId = E2e.JSON.readTree(response.body()).path("id").asText();

        SpanData accepted = only(awaitTrace(jobId), "job accepted");

        assertThat(accepted.getParentSpanContext().isValid()).as("still a trace of its own").isFalse();
        assertThat(accepted.getTraceId()).isNotEqualTo(callerTrace);
        assertThat(accepted.getLinks()).singleElement().satisfies(link -> {
            assertThat(link.getSpanContext().getTraceId()).isEqualTo(callerTrace);
            assertThat(link.getSpanContext().getSpanId()).isEqualTo(callerSpan);
        });
    }

    /** The job's spans by name, once its ledger span is exported (the last hop). */
    private static Map<String, List<SpanData>> awaitTrace(String jobId) {
        Supplier<Optional<String>> ledgerTrace = () -> SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("ledger") && jobId.equals(s.getAttributes().get(TraceAttributes.JOB_ID)))
                .map(SpanData::getTraceId).findFirst();
        for (int i = 0; i < 600 && ledgerTrace.get().isEmpty(); i++) {
            sleep();
        }
        String traceId = ledgerTrace.get().orElseThrow(() -> new AssertionError("no ledger span for job " + jobId
                + "; spans seen: " + SPANS.getFinishedSpanItems().stream().map(SpanData::getName).collect(Collectors.toSet())));
        return SPANS.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId))
                .collect(Collectors.groupingBy(SpanData::getName));
    }

    private static SpanData only(Map<String, List<SpanData>> spans, String name) {
        assertThat(spans.get(name)).as("spans named '%s' in %s", name, spans.keySet()).hasSize(1);
        return spans.get(name).getFirst();
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
