package dev.railyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.ConfigLoader;
import dev.railyard.config.Deployment;
import dev.railyard.config.RailyardConfig;
import dev.railyard.kafka.DeadLetters;
import dev.railyard.router.policy.BudgetGate;
import dev.railyard.router.policy.DeploymentHealth;
import dev.railyard.router.policy.RoutingPolicy;
import dev.railyard.router.policy.TokenEstimator;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.validation.JobRequestValidator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** {@code railyard.router.decisions}: one count per valid job, by deployment and outcome. */
class DecisionCounterTest {
    static final RailyardConfig config = new ConfigLoader(Map.of()).loadDefault();
    static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    static final String MINI = "openai-gpt-4o-mini";

    final EventCodec codec = new EventCodec();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Set<String> open = new HashSet<>();
    /** A circuit per deployment the test opens by hand. */
    final DeploymentHealth health = new DeploymentHealth() {
        @Override
        public boolean available(String deploymentId) {
            return !open.contains(deploymentId);
        }

        @Override
        public long latencyP50Millis(Deployment deployment) {
            return deployment.expectedLatencyMs();
        }
    };
    final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    final RouterHandler handler = new RouterHandler(
            new RoutingPolicy(config, new TokenEstimator(), d -> config.model(d.model()).orElseThrow(), health, BudgetGate.allowAll()),
            new SubmissionCheck(new JobRequestValidator()), codec, producer, new DeadLetters(producer),
            Clock.fixed(NOW, ZoneOffset.UTC), new DecisionCounter(registry));
    long offset;

    void submit(String model, String body, Instant deadline) {
        String id = "job-" + offset;
        byte[] value = codec.encode(new JobSubmitted(1, "ev-" + id, id, NOW, "acme", null, null, 1, "/v1/chat/completions",
                model, codec.tree(body.getBytes()), null, deadline, null, null));
        handler.handle(List.of(new ConsumerRecord<>(Topics.JOBS_SUBMITTED, 0, offset++, id.getBytes(), value)))
                .toCompletableFuture().join();
    }

    void submit(String model) {
        submit(model, "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", null);
    }

    double count(String deployment, String outcome) {
        Counter c = registry.find(DecisionCounter.NAME).tag("deployment", deployment).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void counts_routed_jobs_per_deployment_then_rejections_once_the_circuit_opens() {
        submit("gpt-4o-mini");
        submit("gpt-4o-mini");
        assertThat(count(MINI, "routed")).isEqualTo(2);

        open.add(MINI);
        submit("gpt-4o-mini");
        assertThat(count(MINI, "routed")).isEqualTo(2);
        assertThat(count(DecisionCounter.NO_DEPLOYMENT, "rejected")).isEqualTo(1);
    }

    @Test
    void a_job_past_its_deadline_counts_as_expired() {
        submit("gpt-4o-mini", "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", NOW.minusSeconds(1));
        assertThat(count(DecisionCounter.NO_DEPLOYMENT, "expired")).isEqualTo(1);
        assertThat(count(MINI, "routed")).isZero();
    }

    @Test
    void an_invalid_request_is_no_routing_decision() {
        submit("gpt-4o-mini", "{\"model\":\"gpt-4o-mini\",\"messages\":\"not an array\"}", null);
        assertThat(registry.find(DecisionCounter.NAME).counters()).isEmpty();
    }

    @Test
    void the_counters_are_registered_once_per_deployment_and_outcome() {
        for (int i = 0; i < 5; i++) {
            submit("gpt-4o-mini");
        }
        assertThat(registry.find(DecisionCounter.NAME).counters()).hasSize(1);
        assertThat(count(MINI, "routed")).isEqualTo(5);
    }
}
