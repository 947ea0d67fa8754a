package dev.railyard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Headers;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobDispatched;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.event.Usage;
import dev.railyard.simulator.Simulator;
import dev.railyard.simulator.SimulatorSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Provider workers between a real Kafka broker and the simulator. */
@ExtendWith(SharedInfrastructure.class)
class ProviderWorkersIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final AtomicInteger PROVIDERS = new AtomicInteger();
    private static final EventCodec CODEC = new EventCodec();

    private static Vertx vertx;
    private static Simulator simulator;
    private static KafkaClients clients;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) throws Exception {
        vertx = Vertx.vertx();
        simulator = started(SimulatorSettings.defaults());
        clients = new KafkaClients(servers.bootstrapServers());
        producer = clients.producer("provider-workers-it");
    }

    @AfterAll
    static void stop() throws Exception {
        producer.close();
        simulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Simulator started(SimulatorSettings settings) throws Exception {
        Simulator s = new Simulator(vertx, settings);
        s.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return s;
    }

    /** A provider of its own per test (own dispatch topic and consumer group), served by {@code sim}. */
    private record Setup(String provider, String deploymentId, RailyardConfig config) {
    }

    private static Setup setup(Simulator sim, long timeoutMs) {
        String provider = "pw-it-" + PROVIDERS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        String yaml = """
                providers:
                  %1$s:
                    type: openai-compatible
                    base_url: %2$s
                    api_key: sk-test
                    timeout_ms: %3$d
                    max_in_flight: 64
                models:
                  gpt-4o-mini:
                    kind: chat
                    input_per_million: 0.15
                    cached_input_per_million: 0.075
                    output_per_million: 0.60
                    context_window: 128000
                deployments:
                  - { id: %1$s-mini, provider: %1$s, model: gpt-4o-mini, provider_model: gpt-4o-mini }
                retry:
                  max_attempts: 10
                  base_delay_ms: 5
                  max_delay_ms: 100
                """.formatted(provider, sim.baseUrl(), timeoutMs);
        RailyardConfig config = new ConfigLoader(Map.of()).parse(yaml, "test");
        new TopicSetup(clients, 2, (short) 1).ensure(List.of(provider));
        return new Setup(provider, provider + "-mini", config);
    }

    private static byte[] dispatch(Setup s, String jobId, String content) throws Exception {
        JobDispatched d = Jobs.dispatched(Jobs.chat(jobId, "gpt-4o-mini", content), s.deploymentId(), s.provider(), "gpt-4o-mini");
        byte[] value = CODEC.encode(d);
        send(s, jobId, value);
        return value;
    }

    private static void send(Setup s, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(Topics.dispatch(s.provider()), key.getBytes(StandardCharsets.UTF_8), value))
                .get(10, TimeUnit.SECONDS);
    }

    private static java.util.function.Predicate<ConsumerRecord<byte[], byte[]>> keyIn(Set<String> jobIds) {
        return r -> r.key() != null && jobIds.contains(new String(r.key(), StandardCharsets.UTF_8));
    }

    private static JobResult result(ConsumerRecord<byte[], byte[]> r) {
        return CODEC.decode(r.value(), JobResult.class);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void a_job_succeeds_with_its_usage_and_exact_cost() throws Exception {
        Setup s = setup(simulator, 5_000);
        String jobId = "job-" + UUID.randomUUID();
        try (TopicTail results = new TopicTail(clients, Topics.JOBS_RESULTS);
             ProviderWorkers workers = new ProviderWorkers(s.config(), clients, vertx)) {
            workers.start();
            dispatch(s, jobId, "Hello");

            List<ConsumerRecord<byte[], byte[]>> got = results.await(keyIn(Set.of(jobId)), 1, WAIT);

            assertThat(got).hasSize(1);
            assertThat(header(got.get(0), Headers.TENANT)).isEqualTo("tenant-a");
            JobResult r = result(got.get(0));
            assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(r.deploymentId()).isEqualTo(s.deploymentId());
            assertThat(r.tenant()).isEqualTo("tenant-a");
            assertThat(r.customId()).isEqualTo("custom-" + jobId);
            assertThat(r.response().path("object").asText()).isEqualTo("chat.completion");
            long completion = r.response().at("/usage/completion_tokens").asLong();
            assertThat(r.usage()).isEqualTo(new Usage(8, completion, 0));
            // 8 prompt tokens at $0.15 and the completion at $0.60 per million, exactly
            BigDecimal expected = new BigDecimal("0.15").multiply(BigDecimal.valueOf(8))
                    .add(new BigDecimal("0.60").multiply(BigDecimal.valueOf(completion)))
                    .divide(BigDecimal.valueOf(1_000_000));
            assertThat(r.cost()).isEqualByComparingTo(expected);
            assertThat(r.attempts()).singleElement().satisfies(a -> {
                assertThat(a.attemptId()).isEqualTo(jobId + ":1:1");
                assertThat(a.billed()).isTrue();
                assertThat(a.cost()).isEqualByComparingTo(expected);
                assertThat(a.httpStatus()).isEqualTo(200);
            });
            assertThat(r.error()).isNull();
        }
    }

    @Test
    void a_job_whose_deadline_passed_while_it_waited_ends_expired_without_a_call() throws Exception {
        Setup s = setup(simulator, 5_000);
        String jobId = "late-" + UUID.randomUUID();
        JobSubmitted base = Jobs.chat(jobId, "gpt-4o-mini", "too late");
        JobSubmitted late = new JobSubmitted(base.schemaVersion(), base.eventId(), base.jobId(), base.occurredAt(),
                base.tenant(), base.batchId(), base.customId(), base.lineNumber(), base.endpoint(), base.model(),
                base.body(), base.priority(), java.time.Instant.now().minusSeconds(5), base.metadata(), base.callbackUrl());
        long callsBefore = simulator.stats().totalRequests();
        try (TopicTail results = new TopicTail(clients, Topics.JOBS_RESULTS);
             ProviderWorkers workers = new ProviderWorkers(s.config(), clients, vertx)) {
            workers.start();
            send(s, jobId, CODEC.encode(Jobs.dispatched(late, s.deploymentId(), s.provider(), "gpt-4o-mini")));

            JobResult r = result(results.await(keyIn(Set.of(jobId)), 1, WAIT).get(0));

            assertThat(r.outcome()).isEqualTo(Outcome.EXPIRED);
            assertThat(r.error().message()).contains("deadline");
            assertThat(r.attempts()).isEmpty();
            assertThat(r.cost()).isZero();
            assertThat(simulator.stats().totalRequests()).isEqualTo(callsBefore);
        }
    }

    @Test
    void a_deployment_that_keeps_failing_hands_the_job_to_the_next_fallback_with_every_attempt_kept() throws Exception {
        String dead = "pw-dead-" + UUID.randomUUID().toString().substring(0, 8);
        String live = "pw-live-" + UUID.randomUUID().toString().substring(0, 8);
        RailyardConfig config = deadThenLive(dead, live, "");
        new TopicSetup(clients, 2, (short) 1).ensure(List.of(dead, live));
        String jobId = "fallback-" + UUID.randomUUID();
        JobSubmitted job = Jobs.chat(jobId, "gpt-4o-mini", "Hello");
        JobDispatched first = new JobDispatched(1, UUID.randomUUID().toString(), jobId, java.time.Instant.now(), job,
                new dev.railyard.schema.event.RoutingDecision(dead + "-mini", dead, "gpt-4o-mini", 8,
                        new BigDecimal("0.0001"), List.of(live + "-mini"), 1, "cheapest"));
        try (TopicTail results = new TopicTail(clients, Topics.JOBS_RESULTS);
             ProviderWorkers workers = new ProviderWorkers(config, clients, vertx)) {
            workers.start();
            producer.send(new ProducerRecord<>(Topics.dispatch(dead), jobId.getBytes(StandardCharsets.UTF_8),
                    CODEC.encode(first))).get(10, TimeUnit.SECONDS);

            List<ConsumerRecord<byte[], byte[]>> got = results.await(keyIn(Set.of(jobId)), 1, WAIT);
            JobResult r = result(got.get(0));

            assertThat(got).hasSize(1);
            assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(r.deploymentId()).isEqualTo(live + "-mini");
            assertThat(r.routing().hop()).isEqualTo(2);
            assertThat(r.routing().reason()).contains("fallback", dead + "-mini", "server_error");
            // Three failed tries on the dead deployment, then the answer; ids say which hop each was.
            assertThat(r.attempts()).extracting(Attempt::attemptId)
                    .containsExactly(jobId + ":1:1", jobId + ":1:2", jobId + ":1:3", jobId + ":2:1");
            assertThat(r.attempts()).filteredOn(Attempt::billed).singleElement()
                    .satisfies(a -> assertThat(a.cost()).isEqualByComparingTo(r.cost()));
        }
    }

    @Test
    void calls_retries_fallbacks_and_tokens_are_metered_with_the_failures_type() throws Exception {
        String dead = "pw-mdead-" + UUID.randomUUID().toString().substring(0, 8);
        String live = "pw-mlive-" + UUID.randomUUID().toString().substring(0, 8);
        RailyardConfig config = deadThenLive(dead, live, "stream: true");
        new TopicSetup(clients, 2, (short) 1).ensure(List.of(dead, live));
        String jobId = "metered-" + UUID.randomUUID();
        JobDispatched first = new JobDispatched(1, UUID.randomUUID().toString(), jobId, java.time.Instant.now(),
                Jobs.chat(jobId, "gpt-4o-mini", "[sim:fail_first=1] Hello " + jobId),
                new dev.railyard.schema.event.RoutingDecision(dead + "-mini", dead, "gpt-4o-mini", 8,
                        new BigDecimal("0.0001"), List.of(live + "-mini"), 1, "cheapest"));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (TopicTail results = new TopicTail(clients, Topics.JOBS_RESULTS);
             ProviderWorkers workers = new ProviderWorkers(config, clients, vertx, null, registry)) {
            workers.start();
            producer.send(new ProducerRecord<>(Topics.dispatch(dead), jobId.getBytes(StandardCharsets.UTF_8),
                    CODEC.encode(first))).get(10, TimeUnit.SECONDS);
            JobResult r = result(results.await(keyIn(Set.of(jobId)), 1, WAIT).get(0));
            assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(r.attempts()).hasSize(5); // 3 refused connections, then a 500 and the answer on the fallback
        }
        String deadId = dead + "-mini";
        String liveId = live + "-mini";
        // The dead deployment: three calls failed (no server), two retries, then the job left it.
        assertThat(count(registry, "railyard.attempts", "deployment", deadId, "outcome", "server_error")).isEqualTo(3);
        assertThat(count(registry, "railyard.retries", "deployment", deadId, "reason", "server_error")).isEqualTo(2);
        assertThat(count(registry, "railyard.fallbacks", "deployment", deadId, "reason", "server_error")).isEqualTo(1);
        assertThat(registry.get("gen_ai.client.operation.duration").tags("deployment", deadId, "error.type", "server_error",
                "gen_ai.operation.name", "chat", "gen_ai.provider.name", dead, "gen_ai.request.model", "gpt-4o-mini")
                .timer().count()).isEqualTo(3);
        // The live one: the simulator's 500, a retry, then the streamed answer with usage and a first token.
        assertThat(count(registry, "railyard.attempts", "deployment", liveId, "outcome", "server_error")).isEqualTo(1);
        assertThat(count(registry, "railyard.attempts", "deployment", liveId, "outcome", "succeeded")).isEqualTo(1);
        assertThat(Search.in(registry).name("gen_ai.client.operation.duration").tag("deployment", liveId).timers())
                .filteredOn(t -> t.getId().getTag("error.type") == null).singleElement()
                .satisfies(t -> assertThat(t.count()).isEqualTo(1));
        Usage usage = tokens(registry, liveId);
        assertThat(usage.promptTokens()).isPositive();
        assertThat(usage.completionTokens()).isPositive();
        assertThat(registry.get("gen_ai.server.time_to_first_token").tag("deployment", liveId).timer().count()).isEqualTo(1);
        // Prometheus names as docs/metrics.md lists them: dots become underscores, units and _total appended.
        assertThat(registry.scrape()).contains("gen_ai_client_operation_duration_seconds_bucket{",
                "error_type=\"server_error\"", "gen_ai_client_token_usage_bucket{", "gen_ai_token_type=\"output\"",
                "gen_ai_server_time_to_first_token_seconds_count{", "railyard_attempts_total{", "railyard_retries_total{",
                "railyard_fallbacks_total{");
    }

    private static double count(MeterRegistry registry, String name, String... tags) {
        var counter = Search.in(registry).name(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The tokens recorded for a deployment's calls, as a usage (input, output). */
    private static Usage tokens(MeterRegistry registry, String deploymentId) {
        double in = registry.get("gen_ai.client.token.usage").tags("deployment", deploymentId, "gen_ai.token.type", "input")
                .summary().totalAmount();
        double out = registry.get("gen_ai.client.token.usage").tags("deployment", deploymentId, "gen_ai.token.type", "output")
                .summary().totalAmount();
        return new Usage((long) in, (long) out, 0);
    }

    @Test
    void transient_failures_are_retried_and_only_the_answer_is_billed() throws Exception {
        Setup s = setup(simulator, 5_000);
        String jobId = "job-" + UUID.randomUUID();
        try (TopicTail results = new TopicTail(clients, Topics.JOBS_RESULTS);
             ProviderWorkers workers = new ProviderWorkers(s.config(), clients, vertx)) {
            workers.start();
            dispatch(s, jobId, "[sim:fail_first=2] " + jobId);

            JobResult r = result(results.await(keyIn(Set.of(jobId)), 1, WAIT).get(0));

            assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(r.attempts()).extracting(Attempt::attemptId)
                    .containsExactly(jobId + ":1:1", jobId + ":1:2", jobId + ":1:3");
            assertThat(r.attempts()).extracting(Attempt::httpStatus).containsExactly(500, 500, 200);
            assertThat(r.attempts()).extracting(Attempt::billed).containsExactly(false, false, true);
            assertThat(r.attempts().get(0).error().type()).isEqualTo(ErrorType.SERVER_ERROR);
            assertThat(r.cost()).isEqualByComparingTo(r.attempts().get(2).cost()).isPositive();
        }
    }

    @Test
    void a_permanent_error_fails_the_job_and_dead_letters_the_original_record() throws Exception {
        Setup s = setup(simulator, 5_000);
        String jobId = "job-" + UUID.randomUUID();
        try (TopicTail results = new TopicTail(clients, Topics.JOBS_RESULTS);
             TopicTail dead = new TopicTail(clients, Topics.JOBS_DEAD_LETTER);
             ProviderWorkers workers = new ProviderWorkers(s.config(), clients, vertx)) {
            workers.start();
            byte[] original = dispatch(s, jobId, "[sim:status=400] " + jobId);

            JobResult r = result(results.await(keyIn(Set.of(jobId)), 1, WAIT).get(0));
            List<ConsumerRecord<byte[], byte[]>> letters = dead.await(keyIn(Set.of(jobId)), 1, WAIT);

            assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(r.error().type()).isEqualTo(ErrorType.INVALID_REQUEST);
            assertThat(r.error().httpStatus()).isEqualTo(400);
            assertThat(r.error().providerBody()).contains("\"type\":\"invalid_request_error\"");
            assertThat(r.error().providerRequestId()).startsWith("req_");
            assertThat(r.attempts()).hasSize(1);
            assertThat(r.cost()).isEqualByComparingTo("0");
            assertThat(r.response()).isNull();

            assertThat(letters).hasSize(1);
            ConsumerRecord<byte[], byte[]> letter = letters.get(0);
            assertThat(letter.value()).isEqualTo(original);
            assertThat(header(letter, Headers.DLQ_STAGE)).isEqualTo("provider-worker");
            assertThat(header(letter, Headers.DLQ_ERROR_TYPE)).isEqualTo("invalid_request");
            assertThat(header(letter, Headers.DLQ_REASON)).contains("invalid_request").contains("HTTP 400");
            assertThat(header(letter, Headers.DLQ_TOPIC)).isEqualTo(Topics.dispatch(s.provider()));
            assertThat(CODEC.mapper().readTree(header(letter, Headers.DLQ_ATTEMPTS)).get(0).path("attempt_id").asText())
                    .isEqualTo(jobId + ":1:1");
        }
    }

    @Test
    void a_garbage_record_is_dead_lettered_and_the_records_behind_it_still_run() throws Exception {
        Setup s = setup(simulator, 5_000);
        String key = "poison-" + UUID.randomUUID();
        byte[] garbage = "{\"this is\": not a dispatch".getBytes(StandardCharsets.UTF_8);
        try (TopicTail results = new TopicTail(clients, Topics.JOBS_RESULTS);
             TopicTail dead = new TopicTail(clients, Topics.JOBS_DEAD_LETTER);
             ProviderWorkers workers = new ProviderWorkers(s.config(), clients, vertx)) {
            workers.start();
            // Same key, same partition: the good records sit behind the garbage.
            send(s, key, garbage);
            Set<String> jobIds = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                String jobId = key + "-" + i;
                jobIds.add(jobId);
                JobDispatched d = Jobs.dispatched(Jobs.chat(jobId, "gpt-4o-mini", "after poison " + i), s.deploymentId(),
                        s.provider(), "gpt-4o-mini");
                send(s, key, CODEC.encode(d));
            }

            List<ConsumerRecord<byte[], byte[]>> letters = dead.await(keyIn(Set.of(key)), 1, WAIT);
            List<JobResult> done = results.await(keyIn(jobIds), jobIds.size(), WAIT).stream().map(ProviderWorkersIT::result).toList();

            assertThat(letters).hasSize(1);
            assertThat(letters.get(0).value()).isEqualTo(garbage);
            assertThat(header(letters.get(0), Headers.DLQ_ERROR_TYPE)).isEqualTo("malformed_record");
            assertThat(header(letters.get(0), Headers.DLQ_REASON)).contains("JobDispatched");
            assertThat(done).extracting(JobResult::jobId).containsExactlyInAnyOrderElementsOf(jobIds);
            assertThat(done).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED));
        }
    }

    @Test
    void an_unknown_deployment_fails_the_job_as_not_found_and_dead_letters_it() throws Exception {
        Setup s = setup(simulator, 5_000);
        String jobId = "job-" + UUID.randomUUID();
        try (TopicTail results = new TopicTail(clients, Topics.JOBS_RESULTS);
             TopicTail dead = new TopicTail(clients, Topics.JOBS_DEAD_LETTER);
             ProviderWorkers workers = new ProviderWorkers(s.config(), clients, vertx)) {
            workers.start();
            JobDispatched d = Jobs.dispatched(Jobs.chat(jobId, "gpt-4o-mini", "hi"), "retired-deployment", s.provider(), "x");
            send(s, jobId, CODEC.encode(d));

            JobResult r = result(results.await(keyIn(Set.of(jobId)), 1, WAIT).get(0));
            List<ConsumerRecord<byte[], byte[]>> letters = dead.await(keyIn(Set.of(jobId)), 1, WAIT);

            assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(r.error().type()).isEqualTo(ErrorType.NOT_FOUND);
            assertThat(r.error().message()).contains("retired-deployment");
            assertThat(r.attempts()).isEmpty();
            assertThat(letters).singleElement().satisfies(l -> assertThat(header(l, Headers.DLQ_ERROR_TYPE)).isEqualTo("not_found"));
        }
    }

    @Test
    void with_a_fifth_of_calls_failing_every_job_still_succeeds_exactly_once() throws Exception {
        Simulator flaky = started(SimulatorSettings.defaults().withErrorRate(0.2).withRetryAfterMs(20).withTimeoutHoldMs(2500));
        try {
            Setup s = setup(flaky, 2000); // generous: a loaded 2-core CI machine must not turn slow answers into timeouts
            Set<String> jobIds = new HashSet<>();
            try (TopicTail results = new TopicTail(clients, Topics.JOBS_RESULTS);
                 ProviderWorkers workers = new ProviderWorkers(s.config(), clients, vertx)) {
                workers.start();
                List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    String jobId = "flaky-" + UUID.randomUUID();
                    jobIds.add(jobId);
                    JobDispatched d = Jobs.dispatched(Jobs.chat(jobId, "gpt-4o-mini", "question " + i), s.deploymentId(),
                            s.provider(), "gpt-4o-mini");
                    sends.add(producer.send(new ProducerRecord<>(Topics.dispatch(s.provider()),
                            jobId.getBytes(StandardCharsets.UTF_8), CODEC.encode(d))));
                }
                for (var f : sends) {
                    f.get(10, TimeUnit.SECONDS);
                }

                results.await(keyIn(jobIds), jobIds.size(), WAIT);
                List<JobResult> all = results.settle(keyIn(jobIds), Duration.ofMillis(500)).stream()
                        .map(ProviderWorkersIT::result).toList();

                assertThat(all).hasSize(200);
                assertThat(all).extracting(JobResult::jobId).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(jobIds);
                assertThat(all).allSatisfy(r -> {
                    assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
                    assertThat(r.attempts().get(r.attempts().size() - 1).billed()).isTrue();
                    assertThat(r.attempts()).filteredOn(Attempt::billed).hasSize(1);
                });
                Map<ErrorType, Long> retried = all.stream().flatMap(r -> r.attempts().stream())
                        .filter(a -> a.error() != null)
                        .collect(Collectors.groupingBy(a -> a.error().type(), Collectors.counting()));
                // Every kind of injected fault reached the workers and was retried. (The simulator's faults
                // come from one seeded sequence, so which kinds occur does not depend on timing.)
                assertThat(retried.keySet()).containsExactlyInAnyOrder(ErrorType.RATE_LIMITED, ErrorType.SERVER_ERROR,
                        ErrorType.OVERLOADED, ErrorType.TIMEOUT, ErrorType.MALFORMED_RESPONSE);
                assertThat(flaky.stats().totalRequests()).isGreaterThan(200);
                assertThat(workers.inFlight()).isZero();
            }
        } finally {
            flaky.close();
        }
    }

    /** Provider {@code dead} refuses connections; {@code live} is the simulator ({@code liveOption}: one more of its options). */
    private static RailyardConfig deadThenLive(String dead, String live, String liveOption) {
        String yaml = """
                providers:
                  %1$s:
                    type: openai-compatible
                    base_url: http://127.0.0.1:1/v1
                    api_key: sk-test
                    timeout_ms: 2000
                  %2$s:
                    type: openai-compatible
                    base_url: %3$s
                    api_key: sk-test
                    timeout_ms: 5000
                    %4$s
                models:
                  gpt-4o-mini: { kind: chat, input_per_million: 0.15, output_per_million: 0.60 }
                deployments:
                  - { id: %1$s-mini, provider: %1$s, model: gpt-4o-mini }
                  - { id: %2$s-mini, provider: %2$s, model: gpt-4o-mini }
                retry: { max_attempts: 3, base_delay_ms: 5, max_delay_ms: 20 }
                """.formatted(dead, live, simulator.baseUrl(), liveOption);
        return new ConfigLoader(Map.of()).parse(yaml, "dead then live");
    }
}
