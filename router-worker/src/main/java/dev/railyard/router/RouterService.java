package dev.railyard.router;

import dev.railyard.config.RailyardConfig;
import dev.railyard.kafka.BatchLoop;
import dev.railyard.kafka.DeadLetters;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.router.health.HealthAggregator;
import dev.railyard.router.health.HealthMetrics;
import dev.railyard.router.health.HealthSettings;
import dev.railyard.router.health.HealthView;
import dev.railyard.router.budget.Reservations;
import dev.railyard.router.budget.SqlReservations;
import dev.railyard.router.policy.BudgetGate;
import dev.railyard.router.policy.DeploymentHealth;
import dev.railyard.router.policy.RoutingPolicy;
import dev.railyard.router.policy.TokenEstimator;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.DeploymentHealthSnapshot;
import dev.railyard.schema.validation.JobRequestValidator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The router worker: consumes {@code railyard.jobs.submitted} in the {@code railyard-router} group and
 * sends each job to the dispatch topic of the deployment the routing policy picks (or a failed or
 * expired result / dead letter). With live health it also runs a {@link HealthAggregator} (results →
 * {@code railyard.deployments.health}) and a {@link HealthView} the policy consults. Run more instances
 * to scale out. The topics must exist ({@code TopicSetup}).
 *
 * <p>Given a {@link MeterRegistry}, it counts its decisions ({@code railyard.router.decisions}) and, with
 * live health, exports each configured deployment's merged health as gauges ({@link HealthMetrics}),
 * removed again on close. Without one it records nothing.
 */
public final class RouterService implements AutoCloseable {
    public static final String GROUP = "railyard-router";
    private static final int MAX_POLL_RECORDS = 1000;

    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final BatchLoop loop;
    private final HealthView view;
    private final HealthAggregator aggregator;
    private final HealthMetrics metrics;
    private final AtomicBoolean started = new AtomicBoolean();

    /** Live health with the default settings, no budget limits. */
    public RouterService(RailyardConfig config, KafkaClients clients) {
        this(config, clients, HealthSettings.defaults(), BudgetGate.allowAll());
    }

    /** Live health with the default settings, no budget limits, metrics on {@code registry}. */
    public RouterService(RailyardConfig config, KafkaClients clients, MeterRegistry registry) {
        this(config, clients, HealthSettings.defaults(), BudgetGate.allowAll(), registry);
    }

    /**
     * Live health with the default settings, metrics on {@code registry}, and the configured budgets enforced
     * with reservations in {@code budgetStore} (migrated; null: no budgets enforced).
     */
    public RouterService(RailyardConfig config, KafkaClients clients, MeterRegistry registry, DataSource budgetStore) {
        this(config, clients, BudgetGate.allowAll(), new HealthView(clients, HealthSettings.defaults(), Clock.systemUTC()),
                new HealthAggregator(clients, HealthSettings.defaults(), Clock.systemUTC()), registry, reservations(config, budgetStore));
    }

    /** Live health: this instance aggregates results and reads every instance's view of each deployment. */
    public RouterService(RailyardConfig config, KafkaClients clients, HealthSettings health, BudgetGate budget) {
        this(config, clients, health, budget, new CompositeMeterRegistry());
    }

    /** Live health, with metrics on {@code registry}. */
    public RouterService(RailyardConfig config, KafkaClients clients, HealthSettings health, BudgetGate budget,
                         MeterRegistry registry) {
        this(config, clients, budget, new HealthView(clients, health, Clock.systemUTC()),
                new HealthAggregator(clients, health, Clock.systemUTC()), registry, Reservations.none());
    }

    /** A fixed health seam (e.g. {@link DeploymentHealth#expected()}): no aggregation, no health topic. */
    public RouterService(RailyardConfig config, KafkaClients clients, DeploymentHealth health, BudgetGate budget) {
        this(config, clients, health, budget, null, null, new CompositeMeterRegistry(), Reservations.none());
    }

    /** A fixed health seam, with the configured budgets enforced in {@code budgetStore} (null: none). */
    public RouterService(RailyardConfig config, KafkaClients clients, DeploymentHealth health, DataSource budgetStore) {
        this(config, clients, health, BudgetGate.allowAll(), null, null, new CompositeMeterRegistry(), reservations(config, budgetStore));
    }

    private RouterService(RailyardConfig config, KafkaClients clients, BudgetGate budget, HealthView view, HealthAggregator aggregator,
                          MeterRegistry registry, Reservations reservations) {
        this(config, clients, view, budget, view, aggregator, registry, reservations);
    }

    private RouterService(RailyardConfig config, KafkaClients clients, DeploymentHealth health, BudgetGate budget,
                          HealthView view, HealthAggregator aggregator, MeterRegistry registry, Reservations reservations) {
        this.view = view;
        this.aggregator = aggregator;
        this.metrics = view == null ? null : new HealthMetrics(registry, view, config.deployments());
        this.producer = clients.producer("router");
        this.consumer = clients.consumer(GROUP, MAX_POLL_RECORDS);
        RoutingPolicy policy = new RoutingPolicy(config, new TokenEstimator(), d -> config.model(d.model()).orElseThrow(), health, budget);
        RouterHandler handler = new RouterHandler(policy,
                new SubmissionCheck(new JobRequestValidator()), new EventCodec(), producer, new DeadLetters(producer),
                Clock.systemUTC(), new DecisionCounter(registry), reservations);
        this.loop = new BatchLoop("router", consumer, List.of(Topics.JOBS_SUBMITTED), handler);
    }

    private static Reservations reservations(RailyardConfig config, DataSource budgetStore) {
        return budgetStore == null || config.budgets().isEmpty() ? Reservations.none()
                : new SqlReservations(config, budgetStore, Clock.systemUTC());
    }

    public void start() {
        if (started.compareAndSet(false, true)) {
            if (view != null) {
                view.start();
                aggregator.start();
            }
            loop.start();
        }
    }

    /** The merged live health of every deployment reported on lately, by id; empty without live health. */
    public Map<String, DeploymentHealthSnapshot> health() {
        return view == null ? Map.of() : view.snapshot();
    }

    /** Stops after the batch in hand (its sends acknowledged and offsets committed), then closes the producer and health. */
    @Override
    public void close() {
        stopLoop(false);
        producer.close();
        if (view != null) {
            metrics.close();
            aggregator.close();
            view.close();
        }
    }

    /** A crash, for tests: stops without committing and drops unsent records. */
    public void halt() {
        stopLoop(true);
        producer.close(Duration.ZERO);
        if (view != null) {
            metrics.close();
            aggregator.halt();
            view.close();
        }
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
