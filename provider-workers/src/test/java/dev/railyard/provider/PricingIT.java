package dev.railyard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.JobDispatched;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.event.Usage;
import dev.railyard.simulator.SimulatorSettings;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Attempts priced through the whole worker: at the price in effect when they start (a change an hour ago
 * applies, one due tomorrow does not), with the batch discount for batch jobs; and a Gemini embedding, whose
 * answer reports no usage, billed at an estimate flagged as one.
 */
@ExtendWith(SharedInfrastructure.class)
class PricingIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final EventCodec CODEC = new EventCodec();
    private static WorkerRig rig;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) throws Exception {
        rig = WorkerRig.start(servers, SimulatorSettings.defaults(), "pricing-it");
    }

    @AfterAll
    static void stop() throws Exception {
        rig.close();
    }

    private static String provider(String what) {
        return "price-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static JobResult run(RailyardConfig config, String provider, JobDispatched dispatched) throws Exception {
        new TopicSetup(rig.clients(), 1, (short) 1).ensure(List.of(provider));
        try (TopicTail results = new TopicTail(rig.clients(), Topics.JOBS_RESULTS);
             ProviderWorkers workers = new ProviderWorkers(config, rig.clients(), rig.vertx())) {
            workers.start();
            rig.producer().send(new ProducerRecord<>(Topics.dispatch(provider), dispatched.jobId().getBytes(StandardCharsets.UTF_8),
                    CODEC.encode(dispatched))).get();
            List<ConsumerRecord<byte[], byte[]>> got = results.await(
                    r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(dispatched.jobId()), 1, WAIT);
            assertThat(got).as("a result for " + dispatched.jobId()).hasSize(1);
            return CODEC.decode(got.get(0).value(), JobResult.class);
        }
    }

    private static JobSubmitted withBatch(JobSubmitted job, String batchId) {
        return new JobSubmitted(job.schemaVersion(), job.eventId(), job.jobId(), job.occurredAt(), job.tenant(), batchId,
                job.customId(), job.lineNumber(), job.endpoint(), job.model(), job.body(), job.priority(), job.deadline(),
                job.metadata(), job.callbackUrl());
    }

    /** The usage at per-million prices plus the fee, less the discount, rounded once to 12 places. */
    private static BigDecimal cost(Usage u, String input, String output, String fee, String discount) {
        return new BigDecimal(input).multiply(BigDecimal.valueOf(u.promptTokens()))
                .add(new BigDecimal(output).multiply(BigDecimal.valueOf(u.completionTokens())))
                .divide(BigDecimal.valueOf(1_000_000)).add(new BigDecimal(fee))
                .multiply(BigDecimal.ONE.subtract(new BigDecimal(discount)))
                .setScale(12, RoundingMode.HALF_EVEN);
    }

    @Test
    void an_attempt_is_priced_at_the_change_in_effect_when_it_started_not_an_earlier_or_later_one() throws Exception {
        String provider = provider("sched");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        RailyardConfig config = new ConfigLoader(Map.of()).parse("""
                providers:
                  %1$s: { type: openai-compatible, base_url: %2$s, api_key: sk-test, timeout_ms: 5000 }
                models:
                  gpt-4o-mini:
                    input_per_million: 0.15
                    output_per_million: 0.60
                    per_request_usd: 0.00002
                    batch_discount: 0.5
                    prices:
                      - { effective_from: "%3$s", input_per_million: 0.30, output_per_million: 1.20 }
                      - { effective_from: "%4$s", input_per_million: 9, output_per_million: 9 }
                deployments:
                  - { id: %1$s-mini, provider: %1$s, model: gpt-4o-mini }
                """.formatted(provider, rig.simulator().baseUrl(), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1))), "test");

        JobSubmitted batchJob = Jobs.chat("priced-" + UUID.randomUUID(), "gpt-4o-mini", "Hello"); // batch-1
        JobResult inBatch = run(config, provider, Jobs.dispatched(batchJob, provider + "-mini", provider, "gpt-4o-mini"));
        JobSubmitted single = withBatch(Jobs.chat("priced-" + UUID.randomUUID(), "gpt-4o-mini", "Hello"), null);
        JobResult alone = run(config, provider, Jobs.dispatched(single, provider + "-mini", provider, "gpt-4o-mini"));

        for (JobResult r : List.of(inBatch, alone)) {
            assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
            Attempt a = r.attempts().get(0);
            assertThat(a.startedAt()).isAfter(now.minus(Duration.ofHours(1))).isBefore(now.plus(Duration.ofDays(1)));
            assertThat(a.usage().estimated()).isFalse();
            assertThat(a.usage().promptTokens()).isPositive();
        }
        Usage batchUsage = inBatch.attempts().get(0).usage();
        // the change from an hour ago, half off in a batch; neither the initial price nor tomorrow's
        assertThat(inBatch.attempts().get(0).cost()).isEqualTo(cost(batchUsage, "0.30", "1.20", "0.00002", "0.5"));
        assertThat(inBatch.cost()).isEqualByComparingTo(inBatch.attempts().get(0).cost());
        assertThat(inBatch.attempts().get(0).cost()).isNotEqualByComparingTo(cost(batchUsage, "0.15", "0.60", "0.00002", "0.5"));
        Usage singleUsage = alone.attempts().get(0).usage();
        assertThat(alone.attempts().get(0).cost()).isEqualTo(cost(singleUsage, "0.30", "1.20", "0.00002", "0"));
    }

    @Test
    void a_gemini_embedding_is_billed_at_an_estimate_flagged_as_one() throws Exception {
        String provider = provider("gemini");
        RailyardConfig config = new ConfigLoader(Map.of()).parse("""
                providers:
                  %1$s: { type: gemini, base_url: "https://generativelanguage.googleapis.com", timeout_ms: 5000 }
                models:
                  gemini-embedding-001: { kind: embedding, input_per_million: 0.15, context_window: 2048 }
                deployments:
                  - { id: %1$s-embed, provider: %1$s, model: gemini-embedding-001 }
                """.formatted(provider), "test").withSimulator(rig.simulator().rootUrl());
        JobSubmitted job = UsageEstimateTest.embedding("embed-" + UUID.randomUUID(), "gemini-embedding-001", "Hello, world!");

        // the router estimated 10 prompt tokens (Jobs.dispatched)
        JobResult r = run(config, provider, Jobs.dispatched(job, provider + "-embed", provider, "gemini-embedding-001"));

        assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(r.response().path("data").get(0).path("embedding").size()).isPositive();
        Attempt a = r.attempts().get(0);
        assertThat(a.usage()).isEqualTo(new Usage(10, 0, 0, true));
        assertThat(a.billed()).isTrue();
        assertThat(a.cost()).isEqualTo(cost(a.usage(), "0.15", "0", "0", "0")).isEqualByComparingTo("0.0000015");
        assertThat(r.usage().estimated()).isTrue();
        assertThat(r.cost()).isEqualByComparingTo("0.0000015");
    }
}
