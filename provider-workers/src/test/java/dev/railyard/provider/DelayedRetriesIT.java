package dev.railyard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.DeadLetters;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.provider.delay.DelayLine;
import dev.railyard.schema.Delays;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Headers;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.Outcome;
import dev.railyard.simulator.Simulator;
import dev.railyard.simulator.SimulatorSettings;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Long retry waits spent on the delay topics, not in the worker. */
@ExtendWith(SharedInfrastructure.class)
class DelayedRetriesIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final EventCodec CODEC = new EventCodec();

    private static WorkerRig rig;
    private static Vertx vertx;
    private static Simulator simulator;
    private static KafkaClients clients;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) throws Exception {
        rig = WorkerRig.start(servers, SimulatorSettings.defaults().withLatencyMs(5).withRetryAfterMs(6_000), "delayed-retries-it");
        vertx = rig.vertx();
        simulator = rig.simulator();
        clients = rig.clients();
        producer = rig.producer();
        new TopicSetup(clients, 2, (short) 1).ensure(List.of());
    }

    @AfterAll
    static void stop() throws Exception {
        rig.close();
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
    }

    @Test
    void a_long_retry_after_parks_the_job_on_a_delay_topic_and_it_resumes_at_its_next_try(
            SharedInfrastructure.Servers servers) throws Exception {
        String provider = "delay-it-" + UUID.randomUUID().toString().substring(0, 8);
        RailyardConfig config = new ConfigLoader(Map.of()).parse("""
                providers:
                  %1$s: { type: openai-compatible, base_url: %2$s, api_key: sk-test, timeout_ms: 5000, max_in_flight: 4 }
                models:
                  gpt-4o-mini: { input_per_million: 0.15, output_per_million: 0.60, context_window: 128000 }
                deployments:
                  - { id: %1$s-mini, provider: %1$s, model: gpt-4o-mini }
                retry: { max_attempts: 2, base_delay_ms: 5, max_delay_ms: 30000, delay_topic_after_ms: 1000 }
                """.formatted(provider, simulator.baseUrl()), "test");
        new TopicSetup(clients, 2, (short) 1).ensure(List.of(provider));
        String jobId = "parked-" + UUID.randomUUID();
        try (TopicTail results = new TopicTail(clients, Topics.JOBS_RESULTS);
             TopicTail parked = new TopicTail(clients, Delays.topic(Duration.ofSeconds(5)));
             ProviderWorkers workers = new ProviderWorkers(config, clients, vertx, servers.dataSource())) {
            workers.start();
            ProducerRecord<byte[], byte[]> dispatch = new ProducerRecord<>(Topics.dispatch(provider), jobId.getBytes(StandardCharsets.UTF_8),
                    CODEC.encode(Jobs.dispatched(Jobs.chat(jobId, "gpt-4o-mini", "[sim:status=429] refused"),
                            provider + "-mini", provider, "gpt-4o-mini")));
            dispatch.headers().add(Headers.TENANT, "tenant-a".getBytes(StandardCharsets.UTF_8));
            producer.send(dispatch).get(10, TimeUnit.SECONDS);

            // The simulator asks for 6 s: the job waits on the 5 s tier, out of the worker's hands.
            ConsumerRecord<byte[], byte[]> waiting = parked.await(r -> key(r).equals(jobId), 1, WAIT).get(0);
            assertThat(new String(waiting.headers().lastHeader(Delays.TARGET).value(), StandardCharsets.UTF_8))
                    .isEqualTo(Topics.dispatch(provider));
            assertThat(new String(waiting.headers().lastHeader(Headers.TENANT).value(), StandardCharsets.UTF_8))
                    .isEqualTo("tenant-a");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (workers.inFlight() > 0 && System.nanoTime() < until) {
                Thread.sleep(5); // the handler finishes just after the parked record is acknowledged
            }
            assertThat(workers.inFlight()).as("nothing held while parked").isZero();

            JobResult result = CODEC.decode(results.await(r -> key(r).equals(jobId), 1, WAIT).get(0).value(), JobResult.class);
            assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(result.attempts()).extracting(Attempt::attemptId).containsExactly(jobId + ":1:1", jobId + ":1:2");
            // The next try waited for the due time the job was parked with.
            Instant due = Instant.ofEpochMilli(Long.parseLong(
                    new String(waiting.headers().lastHeader(Delays.DUE).value(), StandardCharsets.UTF_8)));
            assertThat(due).isAfter(result.attempts().get(0).startedAt());
            assertThat(result.attempts().get(1).startedAt()).isAfterOrEqualTo(due);
        }
    }

    @Test
    void the_delay_line_returns_a_record_when_due_and_dead_letters_one_without_a_target() throws Exception {
        String target = "delay-target-" + UUID.randomUUID();
        try (var admin = clients.admin()) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(target, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        String good = "good-" + UUID.randomUUID();
        String bad = "bad-" + UUID.randomUUID();
        Instant due = Instant.now().plusSeconds(7);
        ProducerRecord<byte[], byte[]> ok = new ProducerRecord<>(Delays.topic(Duration.ofSeconds(5)), good.getBytes(StandardCharsets.UTF_8),
                "{}".getBytes(StandardCharsets.UTF_8));
        ok.headers().add(Delays.DUE, Long.toString(due.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
        ok.headers().add(Delays.TARGET, target.getBytes(StandardCharsets.UTF_8));
        ProducerRecord<byte[], byte[]> poison = new ProducerRecord<>(Delays.topic(Duration.ofSeconds(5)), bad.getBytes(StandardCharsets.UTF_8),
                "{}".getBytes(StandardCharsets.UTF_8));
        try (TopicTail arrived = new TopicTail(clients, target);
             TopicTail dead = new TopicTail(clients, Topics.JOBS_DEAD_LETTER);
             KafkaProducer<byte[], byte[]> forwarder = clients.producer("delay-line-it");
             DelayLine line = new DelayLine(clients.consumer("delay-line-it-" + UUID.randomUUID(), 100), forwarder,
                     new DeadLetters(forwarder), Clock.systemUTC()).start()) {
            long parkedAt = producer.send(ok).get(10, TimeUnit.SECONDS).timestamp();
            producer.send(poison).get(10, TimeUnit.SECONDS);

            ConsumerRecord<byte[], byte[]> back = arrived.await(r -> key(r).equals(good), 1, WAIT).get(0);
            // A tier holds a record its full time (record timestamps); the last two seconds are the worker's to wait.
            assertThat(back.timestamp()).isGreaterThanOrEqualTo(parkedAt + Duration.ofSeconds(5).toMillis());
            assertThat(new String(back.headers().lastHeader(Delays.DUE).value(), StandardCharsets.UTF_8))
                    .isEqualTo(Long.toString(due.toEpochMilli()));
            ConsumerRecord<byte[], byte[]> letter = dead.await(r -> key(r).equals(bad), 1, WAIT).get(0);
            assertThat(new String(letter.headers().lastHeader(Headers.DLQ_REASON).value(), StandardCharsets.UTF_8))
                    .contains(Delays.TARGET);
        }
    }
}
