package dev.railyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.router.health.CircuitPolicy;
import dev.railyard.router.health.HealthSettings;
import dev.railyard.router.policy.BudgetGate;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.DeploymentHealthSnapshot;
import dev.railyard.schema.event.DeploymentHealthSnapshot.Circuit;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobDispatched;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.event.RoutingDecision;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Live health end to end on a real broker: failing results open a deployment's circuit through the
 * aggregator and the health topic, the router then sends a job for a route over X and Y to Y saying
 * why, probes X once the (short) open period ends, and returns to X when the probes succeed.
 */
@ExtendWith(SharedInfrastructure.class)
class HealthIT {
    static final EventCodec codec = new EventCodec();
    static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    static final String X = "health-it-x-" + SUFFIX;
    static final String Y = "health-it-y-" + SUFFIX;
    static KafkaClients clients;
    static RouterService router;
    static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) {
        // X and Y serve the same model at the same price: X wins ties, being first.
        String text = RouterServiceIT.defaultConfigText()
                .replace("\ndeployments:\n", "\ndeployments:\n"
                        + "  - { id: " + X + ", provider: openai, model: gpt-4o-mini }\n"
                        + "  - { id: " + Y + ", provider: openai, model: gpt-4o-mini }\n")
                .replace("\nroutes:\n", "\nroutes:\n  health-it:\n    targets: [" + X + ", " + Y + "]\n    weights: { cost: 1 }\n");
        RailyardConfig config = new ConfigLoader(Map.of()).parse(text, "default + health it");
        clients = new KafkaClients(servers.bootstrapServers());
        new TopicSetup(clients, 4, (short) 1).ensure(config.providers().keySet());
        HealthSettings settings = new HealthSettings("health-it-" + SUFFIX, new CircuitPolicy(20, 0.5, 5, Duration.ofSeconds(3), 3),
                Duration.ofSeconds(60), 1000, Duration.ofMillis(500), Duration.ofMinutes(2), Duration.ofSeconds(60), 5);
        router = new RouterService(config, clients, settings, BudgetGate.allowAll());
        router.start();
        producer = clients.producer("health-it");
    }

    @AfterAll
    static void stop() {
        producer.close();
        router.close();
    }

    static void result(String deployment, JobError error) throws Exception {
        String job = "job-health-it-" + UUID.randomUUID();
        Attempt a = new Attempt(Attempt.id(job, 1, 1), deployment, "openai", "gpt-4o-mini", 1, 1, Instant.now().minusMillis(300),
                300, error == null ? Integer.valueOf(200) : error.httpStatus(), Usage.NONE, BigDecimal.ZERO, error == null, error);
        JobResult r = new JobResult(1, UUID.randomUUID().toString(), job, Instant.now(), "health-it", null, null,
                "/v1/chat/completions", error == null ? Outcome.SUCCEEDED : Outcome.FAILED, "route:health-it", deployment, null,
                Usage.NONE, BigDecimal.ZERO, 300, null, List.of(a), error);
        producer.send(new ProducerRecord<>(Topics.JOBS_RESULTS, job.getBytes(StandardCharsets.UTF_8), codec.encode(r))).get();
    }

    static String submit() throws Exception {
        String id = "job-health-it-" + UUID.randomUUID();
        producer.send(new ProducerRecord<>(Topics.JOBS_SUBMITTED, id.getBytes(StandardCharsets.UTF_8),
                RouterServiceIT.job(id, "/v1/chat/completions", "route:health-it",
                        "{\"model\":\"route:health-it\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))).get();
        return id;
    }

    static RoutingDecision dispatched(String id) {
        return codec.decode(TopicProbe.await(clients, Topics.dispatch("openai"), r -> RouterServiceIT.dispatchOf(r, id)).value(),
                JobDispatched.class).decision();
    }

    static Circuit circuitOf(String deployment) {
        DeploymentHealthSnapshot s = router.health().get(deployment);
        return s == null ? null : s.circuit();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(15);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within 15 s: " + what + "; health: " + router.health());
            }
            Thread.sleep(20);
        }
    }

    @Test
    void a_failing_deployment_is_avoided_then_probed_then_trusted_again() throws Exception {
        for (int i = 0; i < 10; i++) {
            result(X, new JobError(ErrorType.SERVER_ERROR, "upstream 503", 503, null, null));
        }
        await(X + " open", () -> circuitOf(X) == Circuit.OPEN);
        assertThat(router.health().get(X).failures()).isBetween(5L, 10L); // published the moment the fifth failure opened it

        RoutingDecision avoided = dispatched(submit());
        assertThat(avoided.deploymentId()).isEqualTo(Y);
        assertThat(avoided.rejected()).singleElement().satisfies(r -> {
            assertThat(r.deploymentId()).isEqualTo(X);
            assertThat(r.reason()).startsWith("circuit open since ").contains("attempts failed in the window");
        });

        await(X + " half open", () -> circuitOf(X) == Circuit.HALF_OPEN);
        List<String> probes = List.of(submit(), submit(), submit(), submit());
        List<RoutingDecision> decisions = new ArrayList<>();
        for (String id : probes) {
            decisions.add(dispatched(id));
        }
        assertThat(decisions).extracting(RoutingDecision::deploymentId).containsOnly(X, Y).filteredOn(X::equals).hasSize(3);
        assertThat(decisions).filteredOn(d -> d.deploymentId().equals(Y)).singleElement()
                .satisfies(d -> assertThat(d.rejected().get(0).reason()).startsWith("circuit half open"));

        for (int i = 0; i < 3; i++) {
            result(X, null);
        }
        await(X + " closed", () -> circuitOf(X) == Circuit.CLOSED);
        RoutingDecision trusted = dispatched(submit());
        assertThat(trusted.deploymentId()).isEqualTo(X);
        assertThat(trusted.rejected()).isEmpty();
    }
}
