package dev.railyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.config.Deployment;
import dev.railyard.kafka.DeadLetters;
import dev.railyard.router.policy.BudgetGate;
import dev.railyard.router.policy.DeploymentHealth;
import dev.railyard.router.policy.RoutingPolicy;
import dev.railyard.router.policy.TokenEstimator;
import dev.railyard.schema.DispatchRecords;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Headers;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobDispatched;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.validation.JobRequestValidator;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The per-record decisions of the router against Kafka's MockProducer. */
class RouterHandlerTest {
    static final RailyardConfig config = new ConfigLoader(Map.of()).loadDefault();
    static final TokenEstimator tokens = new TokenEstimator();
    static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");

    final EventCodec codec = new EventCodec();
    final MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    final RouterHandler handler = new RouterHandler(new RoutingPolicy(config, tokens), new SubmissionCheck(new JobRequestValidator()),
            codec, producer, new DeadLetters(producer), Clock.fixed(NOW, ZoneOffset.UTC));

    ConsumerRecord<byte[], byte[]> record(long offset, byte[] value) {
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>(Topics.JOBS_SUBMITTED, 2, offset, "k".getBytes(), value);
        r.headers().add(Headers.TENANT, "acme".getBytes(StandardCharsets.UTF_8));
        r.headers().add(Headers.TRACEPARENT, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".getBytes(StandardCharsets.UTF_8));
        return r;
    }

    byte[] job(String id, String model, String body) {
        return codec.encode(new JobSubmitted(1, "ev-" + id, id, NOW, "acme", "batch-1", "c-1", 1, "/v1/chat/completions",
                model, codec.tree(body.getBytes()), null, null, null, null));
    }

    byte[] job(String id, String model, String body, Instant deadline) {
        return codec.encode(new JobSubmitted(1, "ev-" + id, id, NOW, "acme", "batch-1", "c-1", 1, "/v1/chat/completions",
                model, codec.tree(body.getBytes()), null, deadline, null, null));
    }

    static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    static String header(ProducerRecord<byte[], byte[]> r, String key) {
        return r.headers().lastHeader(key) == null ? null : new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }

    CompletableFuture<Void> handle(ConsumerRecord<byte[], byte[]> r) {
        CompletableFuture<Void> done = handler.handle(List.of(r)).toCompletableFuture();
        while (producer.completeNext()) {
            // acknowledge everything sent
        }
        return done;
    }

    @Test
    void dispatches_a_valid_job_to_its_provider_topic_keyed_by_tenant_with_tenant_priority_and_trace() {
        assertThat(handle(record(0, job("job-a", "gpt-4o-mini", chat("gpt-4o-mini"))))).isCompleted();

        assertThat(producer.history()).hasSize(1);
        ProducerRecord<byte[], byte[]> out = producer.history().get(0);
        assertThat(out.topic()).isEqualTo("railyard.dispatch.openai");
        assertThat(out.key()).isEqualTo(DispatchRecords.key("acme", "job-a"));
        assertThat(new String(out.key(), StandardCharsets.UTF_8)).startsWith("acme:");
        assertThat(header(out, Headers.TENANT)).isEqualTo("acme");
        assertThat(header(out, Headers.PRIORITY)).isEqualTo("standard");
        assertThat(header(out, Headers.TRACEPARENT)).isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        JobDispatched d = codec.decode(out.value(), JobDispatched.class);
        assertThat(d.jobId()).isEqualTo("job-a");
        assertThat(d.schemaVersion()).isEqualTo(1);
        assertThat(d.occurredAt()).isEqualTo(NOW);
        assertThat(d.job().batchId()).isEqualTo("batch-1");
        assertThat(d.decision().deploymentId()).isEqualTo("openai-gpt-4o-mini");
    }

    @Test
    void a_job_of_a_batch_being_cancelled_ends_cancelled_instead_of_being_routed() {
        RouterHandler cancelling = new RouterHandler(new RoutingPolicy(config, tokens), new SubmissionCheck(new JobRequestValidator()),
                codec, producer, new DeadLetters(producer), Clock.fixed(NOW, ZoneOffset.UTC), DecisionCounter.none(),
                dev.railyard.router.budget.Reservations.none(), batchId -> "batch-1".equals(batchId));

        CompletableFuture<Void> done = cancelling.handle(List.of(record(0, job("job-c", "gpt-4o-mini", chat("gpt-4o-mini")))))
                .toCompletableFuture();
        while (producer.completeNext()) {
            // acknowledge everything sent
        }

        assertThat(done).isCompleted();
        assertThat(producer.history()).singleElement().satisfies(out -> {
            assertThat(out.topic()).isEqualTo(Topics.JOBS_RESULTS);
            JobResult result = codec.decode(out.value(), JobResult.class);
            assertThat(result.jobId()).isEqualTo("job-c");
            assertThat(result.outcome()).isEqualTo(Outcome.CANCELLED);
            assertThat(result.batchId()).isEqualTo("batch-1");
            assertThat(result.attempts()).isEmpty();
        });
    }

    @ParameterizedTest(name = "priority {0} → header {1}")
    @CsvSource(nullValues = "NULL", value = {"interactive, interactive", "bulk, bulk", "Bulk, bulk", "NULL, standard", "urgent, standard"})
    void a_dispatch_carries_the_normalised_priority_header(String priority, String header) {
        byte[] value = codec.encode(new JobSubmitted(1, "ev-p", "job-p", NOW, "acme", null, null, 0, "/v1/chat/completions",
                "gpt-4o-mini", codec.tree(chat("gpt-4o-mini").getBytes()), priority, null, null, null));

        assertThat(handle(record(0, value))).isCompleted();

        assertThat(producer.history()).singleElement().satisfies(out -> {
            assertThat(out.topic()).isEqualTo("railyard.dispatch.openai");
            assertThat(header(out, Headers.PRIORITY)).isEqualTo(header);
        });
    }

    @Test
    void results_stay_keyed_by_job_id_without_a_priority_header() {
        assertThat(handle(record(0, job("job-c2", "gpt-9", chat("gpt-9"))))).isCompleted();

        assertThat(producer.history()).singleElement().satisfies(out -> {
            assertThat(out.topic()).isEqualTo(Topics.JOBS_RESULTS);
            assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo("job-c2");
            assertThat(header(out, Headers.PRIORITY)).isNull();
            assertThat(header(out, Headers.TRACEPARENT)).isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        });
    }

    @Test
    void dead_letters_a_record_that_is_not_json_and_produces_nothing_else() {
        assertThat(handle(record(7, "not json".getBytes()))).isCompleted();

        assertThat(producer.history()).singleElement().satisfies(out -> {
            assertThat(out.topic()).isEqualTo(Topics.JOBS_DEAD_LETTER);
            assertThat(new String(out.value())).isEqualTo("not json");
            assertThat(header(out, Headers.DLQ_STAGE)).isEqualTo("router");
            assertThat(header(out, Headers.DLQ_ERROR_TYPE)).isEqualTo("malformed_record");
            assertThat(header(out, Headers.DLQ_OFFSET)).isEqualTo("7");
            assertThat(header(out, Headers.DLQ_REASON)).startsWith("not a valid JobSubmitted");
        });
    }

    @Test
    void dead_letters_a_job_without_id() {
        assertThat(handle(record(0, "{\"endpoint\":\"/v1/embeddings\"}".getBytes()))).isCompleted();

        assertThat(producer.history()).singleElement().satisfies(out -> {
            assertThat(out.topic()).isEqualTo(Topics.JOBS_DEAD_LETTER);
            assertThat(header(out, Headers.DLQ_REASON)).isEqualTo("job_id is missing");
        });
    }

    @Test
    void fails_and_dead_letters_an_invalid_request() {
        assertThat(handle(record(0, job("job-b", "gpt-4o-mini", "{\"model\":\"gpt-4o-mini\"}")))).isCompleted();

        assertThat(producer.history()).extracting(ProducerRecord::topic)
                .containsExactly(Topics.JOBS_RESULTS, Topics.JOBS_DEAD_LETTER);
        JobResult result = codec.decode(producer.history().get(0).value(), JobResult.class);
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.error().type()).isEqualTo(ErrorType.INVALID_REQUEST);
        assertThat(result.error().message()).isEqualTo("invalid request: body.messages: messages is required");
        assertThat(result.attempts()).isEmpty();
        assertThat(result.cost()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(result.tenant()).isEqualTo("acme");
        assertThat(result.model()).isEqualTo("gpt-4o-mini");
        assertThat(header(producer.history().get(1), Headers.DLQ_REASON)).isEqualTo(result.error().message());
        assertThat(header(producer.history().get(1), Headers.DLQ_ERROR_TYPE)).isEqualTo("invalid_request");
    }

    @Test
    void fails_a_job_for_an_unknown_model_without_dead_letter() {
        assertThat(handle(record(0, job("job-c", "gpt-9", chat("gpt-9"))))).isCompleted();

        assertThat(producer.history()).singleElement().satisfies(out -> {
            assertThat(out.topic()).isEqualTo(Topics.JOBS_RESULTS);
            JobResult result = codec.decode(out.value(), JobResult.class);
            assertThat(result.error().type()).isEqualTo(ErrorType.MODEL_NOT_FOUND);
            assertThat(result.error().message()).startsWith("model 'gpt-9' is not available; chat models available")
                    .contains("gpt-4o-mini");
            assertThat(result.endpoint()).isEqualTo("/v1/chat/completions");
            assertThat(result.batchId()).isEqualTo("batch-1");
            assertThat(result.customId()).isEqualTo("c-1");
        });
    }

    @Test
    void batch_completes_only_after_every_send_is_acknowledged() {
        CompletableFuture<Void> done = handler.handle(List.of(
                record(0, job("job-d", "gpt-4o-mini", chat("gpt-4o-mini"))),
                record(1, "garbage".getBytes()))).toCompletableFuture();

        assertThat(producer.completeNext()).isTrue();
        assertThat(done).isNotDone();
        assertThat(producer.completeNext()).isTrue();
        assertThat(done).isCompleted();
    }

    @Test
    void batch_fails_when_a_send_fails_so_it_is_retried() {
        CompletableFuture<Void> done = handler.handle(List.of(record(0, job("job-e", "gpt-4o-mini", chat("gpt-4o-mini")))))
                .toCompletableFuture();

        assertThat(producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("broker gone"))).isTrue();
        assertThat(done).isCompletedExceptionally();
    }

    @Test
    void expires_a_job_whose_deadline_passed_before_routing_and_dispatches_nothing() {
        assertThat(handle(record(0, job("job-late", "gpt-4o-mini", chat("gpt-4o-mini"), NOW.minusSeconds(1))))).isCompleted();

        assertThat(producer.history()).singleElement().satisfies(out -> {
            assertThat(out.topic()).isEqualTo(Topics.JOBS_RESULTS);
            assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo("job-late");
            JobResult result = codec.decode(out.value(), JobResult.class);
            assertThat(result.outcome()).isEqualTo(Outcome.EXPIRED);
            assertThat(result.error().type()).isEqualTo(ErrorType.TIMEOUT);
            assertThat(result.error().message()).isEqualTo("deadline 2025-01-02T03:04:04Z passed before the job started");
            assertThat(result.attempts()).isEmpty();
            assertThat(result.cost()).isEqualByComparingTo(BigDecimal.ZERO);
            assertThat(result.model()).isEqualTo("gpt-4o-mini");
            assertThat(result.tenant()).isEqualTo("acme");
            assertThat(result.batchId()).isEqualTo("batch-1");
        });
    }

    @ParameterizedTest(name = "deadline now {0}s → {1}")
    @CsvSource({"-3600, railyard.jobs.results", "0, railyard.jobs.results", "1, railyard.dispatch.openai", "86400, railyard.dispatch.openai"})
    void a_job_is_routed_only_while_its_deadline_is_ahead(long offsetSeconds, String topic) {
        assertThat(handle(record(0, job("job-dl", "gpt-4o-mini", chat("gpt-4o-mini"), NOW.plusSeconds(offsetSeconds))))).isCompleted();

        assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactly(topic);
    }

    @Test
    void fails_a_job_as_overloaded_with_the_reasons_when_every_candidate_circuit_is_open() {
        DeploymentHealth allOpen = new DeploymentHealth() {
            @Override
            public boolean available(String deploymentId) {
                return false;
            }

            @Override
            public long latencyP50Millis(Deployment d) {
                return d.expectedLatencyMs();
            }

            @Override
            public String unavailableReason(String deploymentId) {
                return "circuit open since 2025-01-02T03:04:00Z";
            }
        };
        RouterHandler open = new RouterHandler(new RoutingPolicy(config, tokens, d -> config.model(d.model()).orElseThrow(),
                allOpen, BudgetGate.allowAll()), new SubmissionCheck(new JobRequestValidator()),
                codec, producer, new DeadLetters(producer), Clock.fixed(NOW, ZoneOffset.UTC));

        CompletableFuture<Void> done = open.handle(List.of(record(0, job("job-open", "gpt-4o-mini", chat("gpt-4o-mini"))))).toCompletableFuture();
        while (producer.completeNext()) {
            // acknowledge
        }

        assertThat(done).isCompleted();
        assertThat(producer.history()).singleElement().satisfies(out -> {
            assertThat(out.topic()).isEqualTo(Topics.JOBS_RESULTS);
            JobResult result = codec.decode(out.value(), JobResult.class);
            assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(result.error().type()).isEqualTo(ErrorType.OVERLOADED);
            assertThat(result.error().message()).isEqualTo("model gpt-4o-mini: no deployment can serve this request; the only candidate "
                    + "was rejected: openai-gpt-4o-mini: circuit open since 2025-01-02T03:04:00Z");
        });
    }
}
