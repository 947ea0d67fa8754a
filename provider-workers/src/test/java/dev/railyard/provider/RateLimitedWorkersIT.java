package dev.railyard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.provider.ratelimit.Quotas;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.Outcome;
import dev.railyard.simulator.Simulator;
import dev.railyard.simulator.SimulatorSettings;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Provider workers with quotas shared through PostgreSQL: calls are spread to the deployment's RPM instead
 * of being sent at once, and a 429 with Retry-After holds the deployment for other jobs too.
 */
@ExtendWith(SharedInfrastructure.class)
class RateLimitedWorkersIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final EventCodec CODEC = new EventCodec();
    private static final AtomicInteger PROVIDERS = new AtomicInteger();

    private static WorkerRig rig;
    private static Vertx vertx;
    private static Simulator simulator;
    private static KafkaClients clients;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) throws Exception {
        rig = WorkerRig.start(servers, SimulatorSettings.defaults().withLatencyMs(5).withRetryAfterMs(2_000), "rate-limited-it");
        vertx = rig.vertx();
        simulator = rig.simulator();
        clients = rig.clients();
        producer = rig.producer();
    }

    @AfterAll
    static void stop() throws Exception {
        rig.close();
    }

    private record Setup(String provider, String deploymentId, RailyardConfig config) {
    }

    private static Setup setup(String limits, int maxAttempts) {
        String provider = "rl-it-" + PROVIDERS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        String yaml = """
                providers:
                  %1$s:
                    type: openai-compatible
                    base_url: %2$s
                    api_key: sk-test
                    timeout_ms: 5000
                    max_in_flight: 4
                models:
                  gpt-4o-mini: { input_per_million: 0.15, output_per_million: 0.60, context_window: 128000 }
                deployments:
                  - { id: %1$s-mini, provider: %1$s, model: gpt-4o-mini%3$s }
                retry: { max_attempts: %4$d, base_delay_ms: 5, max_delay_ms: 50 }
                """.formatted(provider, simulator.baseUrl(), limits, maxAttempts);
        RailyardConfig config = new ConfigLoader(Map.of()).parse(yaml, "test");
        new TopicSetup(clients, 2, (short) 1).ensure(List.of(provider));
        return new Setup(provider, provider + "-mini", config);
    }

    private static void dispatch(Setup s, String jobId, String content) throws Exception {
        byte[] value = CODEC.encode(Jobs.dispatched(Jobs.chat(jobId, "gpt-4o-mini", content), s.deploymentId(),
                s.provider(), "gpt-4o-mini"));
        producer.send(new ProducerRecord<>(Topics.dispatch(s.provider()), jobId.getBytes(StandardCharsets.UTF_8), value))
                .get(10, TimeUnit.SECONDS);
    }

    private static List<JobResult> results(TopicTail tail, Set<String> jobIds) {
        return tail.await(r -> r.key() != null && jobIds.contains(new String(r.key(), StandardCharsets.UTF_8)),
                jobIds.size(), WAIT).stream().map(RateLimitedWorkersIT::result).toList();
    }

    private static Instant pausedUntil(SharedInfrastructure.Servers servers, String scope) throws Exception {
        try (var c = servers.dataSource().getConnection();
             var st = c.prepareStatement("select paused_until from rate_limit_pauses where scope = ?")) {
            st.setString(1, scope);
            try (var rs = st.executeQuery()) {
                assertThat(rs.next()).as("a pause was recorded for " + scope).isTrue();
                return rs.getTimestamp(1).toInstant();
            }
        }
    }

    private static JobResult result(ConsumerRecord<byte[], byte[]> r) {
        return CODEC.decode(r.value(), JobResult.class);
    }

    @Test
    void calls_are_spread_to_the_deployments_requests_per_minute(SharedInfrastructure.Servers servers) throws Exception {
        Setup s = setup(", limits: { rpm: 240 }", 3); // 4 a second, starting from an empty bucket
        Set<String> jobs = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            jobs.add("rl-" + i + "-" + UUID.randomUUID());
        }
        long rejectedBefore = simulator.stats().count(429);
        try (TopicTail tail = new TopicTail(clients, Topics.JOBS_RESULTS);
             ProviderWorkers workers = new ProviderWorkers(s.config(), clients, vertx, servers.dataSource())) {
            workers.start();
            // How many calls the limiter held back at once: without limits nothing ever waits for quota.
            AtomicInteger mostWaiting = new AtomicInteger();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = Thread.ofVirtual().start(() -> {
                while (sampling.get()) {
                    mostWaiting.accumulateAndGet(workers.waitingForQuota(), Math::max);
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            for (String job : jobs) {
                dispatch(s, job, "hello");
            }
            List<JobResult> results = results(tail, jobs);
            sampling.set(false);
            sampler.join();

            assertThat(results).hasSize(20).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED));
            assertThat(results).allSatisfy(r -> assertThat(r.attempts()).hasSize(1));
            // 20 jobs, 4 slots, 4 admissions a second from an empty bucket: calls wait for quota, never more than the slots.
            assertThat(mostWaiting.get()).as("calls held back for quota at once").isPositive().isLessThanOrEqualTo(4);
        }
        assertThat(simulator.stats().count(429) - rejectedBefore).isZero();
    }

    @Test
    void a_429_with_retry_after_holds_the_deployment_for_other_jobs(SharedInfrastructure.Servers servers) throws Exception {
        Setup s = setup("", 1); // one try: the blocked job's pause is the only one
        String blocked = "blocked-" + UUID.randomUUID();
        String next = "next-" + UUID.randomUUID();
        long rejectedBefore = simulator.stats().count(429);
        try (TopicTail tail = new TopicTail(clients, Topics.JOBS_RESULTS);
             ProviderWorkers workers = new ProviderWorkers(s.config(), clients, vertx, servers.dataSource())) {
            workers.start();
            dispatch(s, blocked, "[sim:status=429] always refused");
            long until = System.nanoTime() + WAIT.toNanos();
            while (simulator.stats().count(429) == rejectedBefore && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            dispatch(s, next, "an ordinary job");
            List<JobResult> results = results(tail, Set.of(blocked, next));

            JobResult first = results.stream().filter(r -> r.jobId().equals(blocked)).findFirst().orElseThrow();
            JobResult second = results.stream().filter(r -> r.jobId().equals(next)).findFirst().orElseThrow();
            assertThat(first.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(second.outcome()).isEqualTo(Outcome.SUCCEEDED);
            // The pause the 429 wrote for every worker; the other job was not sent inside it.
            Instant pausedUntil = pausedUntil(servers, Quotas.deploymentScope(s.config().deployment(s.deploymentId()).orElseThrow()));
            assertThat(pausedUntil).isAfter(first.attempts().get(0).startedAt());
            assertThat(second.attempts().get(0).startedAt()).isAfterOrEqualTo(pausedUntil);
        }
    }
}
