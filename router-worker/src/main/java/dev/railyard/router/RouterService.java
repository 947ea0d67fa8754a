package dev.railyard.router;

import dev.railyard.config.RailyardConfig;
import dev.railyard.kafka.BatchLoop;
import dev.railyard.kafka.DeadLetters;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.router.policy.BudgetGate;
import dev.railyard.router.policy.DeploymentHealth;
import dev.railyard.router.policy.RoutingPolicy;
import dev.railyard.router.policy.TokenEstimator;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import dev.railyard.schema.validation.JobRequestValidator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The router worker: consumes {@code railyard.jobs.submitted} in the {@code railyard-router} group and
 * sends each job to the dispatch topic of the deployment the routing policy picks (or a failed result
 * / dead letter). Run more instances to scale out. The topics must exist ({@code TopicSetup}).
 */
public final class RouterService implements AutoCloseable {
    public static final String GROUP = "railyard-router";
    private static final int MAX_POLL_RECORDS = 1000;

    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final BatchLoop loop;
    private final AtomicBoolean started = new AtomicBoolean();

    /** Every deployment assumed healthy at its expected latency, no budget limits. */
    public RouterService(RailyardConfig config, KafkaClients clients) {
        this(config, clients, DeploymentHealth.expected(), BudgetGate.allowAll());
    }

    /** @param health live deployment health; @param budget admission by budget (both consulted per job) */
    public RouterService(RailyardConfig config, KafkaClients clients, DeploymentHealth health, BudgetGate budget) {
        this.producer = clients.producer("router");
        this.consumer = clients.consumer(GROUP, MAX_POLL_RECORDS);
        RoutingPolicy policy = new RoutingPolicy(config, new TokenEstimator(), d -> config.model(d.model()).orElseThrow(), health, budget);
        RouterHandler handler = new RouterHandler(policy,
                new SubmissionCheck(new JobRequestValidator()), new EventCodec(), producer, new DeadLetters(producer),
                Clock.systemUTC());
        this.loop = new BatchLoop("router", consumer, List.of(Topics.JOBS_SUBMITTED), handler);
    }

    public void start() {
        if (started.compareAndSet(false, true)) {
            loop.start();
        }
    }

    /** Stops after the batch in hand (its sends acknowledged and offsets committed), then closes the producer. */
    @Override
    public void close() {
        stopLoop(false);
        producer.close();
    }

    /** A crash, for tests: stops without committing and drops unsent records. */
    public void halt() {
        stopLoop(true);
        producer.close(Duration.ZERO);
    }

    private void stopLoop(boolean crash) {
        if (started.compareAndSet(false, true)) {
            consumer.close(Duration.ZERO); // the loop never ran, so it will not close its consumer; nor will it start now
            return;
        }
        if (crash) {
            loop.halt();
        } else {
            loop.close();
        }
    }
}
