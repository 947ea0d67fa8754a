package dev.railyard.router;

import dev.railyard.config.RailyardConfig;
import dev.railyard.kafka.BatchLoop;
import dev.railyard.kafka.DeadLetters;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.router.health.HealthAggregator;
import dev.railyard.router.health.HealthMetrics;
import dev.railyard.router.health.HealthSettings;
import dev.railyard.router.health.HealthView;
import dev.railyard.router.budget.BudgetBook;
import dev.railyard.router.budget.BudgetSettings;
import dev.railyard.router.budget.BudgetStateReader;
import dev.railyard.router.budget.DeferralRelease;
import dev.railyard.router.budget.DeferralStore;
import dev.railyard.router.budget.Reservations;
import dev.railyard.router.budget.SqlReservations;
import dev.railyard.router.policy.BudgetGate;
import dev.railyard.router.policy.DeploymentHealth;
import dev.railyard.router.policy.RoutingPolicy;
import dev.railyard.router.policy.TokenEstimator;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import dev.railyard.schema.db.BatchCancellations;
import dev.railyard.schema.db.CancelledBatches;
import dev.railyard.schema.event.DeploymentHealthSnapshot;
import dev.railyard.schema.validation.JobRequestValidator;
import io.micrometer.core.instrument.Gauge;
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
 *
 * <p>Given a budget store, it enforces budgets: those configured, overlaid by the compacted
 * {@code railyard.budget.state} ({@link BudgetBook}, read to its end before routing starts and followed after), with
 * reservations in PostgreSQL ({@link SqlReservations}); jobs a {@code defer} budget holds are let go by a
 * {@link DeferralRelease}, and their count is the gauge {@code railyard.budget.deferred.jobs}. With that database it
 * also ends the jobs of batches being cancelled instead of routing them ({@link CancelledBatches}).
 */
public final class RouterService implements AutoCloseable {
    public static final String GROUP = "railyard-router";
    public static final String DEFERRED_GAUGE = "railyard.budget.deferred.jobs";
    private static final int MAX_POLL_RECORDS = 1000;
    private static final Duration BUDGET_CATCH_UP = Duration.ofSeconds(60);
    private static final Duration CANCELLATIONS_REFRESH = Duration.ofSeconds(1);

    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final BatchLoop loop;
    private final HealthView view;
    private final HealthAggregator aggregator;
    private final HealthMetrics metrics;
    private final BudgetStateReader budgetReader;
    private final DeferralRelease release;
    private final MeterRegistry registry;
    private final Gauge deferredGauge;
    private final CancelledBatches cancelled; // null without a database: batch cancellation is not enforced here
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
     * Live health with the default settings, metrics on {@code registry}, and budgets enforced with reservations in
     * {@code budgetStore} (migrated; null: no budgets enforced).
     */
    public RouterService(RailyardConfig config, KafkaClients clients, MeterRegistry registry, DataSource budgetStore) {
        this(config, clients, BudgetGate.allowAll(), new HealthView(clients, HealthSettings.defaults(), Clock.systemUTC()),
                new HealthAggregator(clients, HealthSettings.defaults(), Clock.systemUTC()), registry,
                budgetStore == null ? null : BudgetSettings.of(budgetStore));
    }

    /** Live health: this instance aggregates results and reads every instance's view of each deployment. */
    public RouterService(RailyardConfig config, KafkaClients clients, HealthSettings health, BudgetGate budget) {
        this(config, clients, health, budget, new CompositeMeterRegistry());
    }

    /** Live health, with metrics on {@code registry}. */
    public RouterService(RailyardConfig config, KafkaClients clients, HealthSettings health, BudgetGate budget,
                         MeterRegistry registry) {
        this(config, clients, budget, new HealthView(clients, health, Clock.systemUTC()),
                new HealthAggregator(clients, health, Clock.systemUTC()), registry, null);
    }

    /** A fixed health seam (e.g. {@link DeploymentHealth#expected()}): no aggregation, no health topic. */
    public RouterService(RailyardConfig config, KafkaClients clients, DeploymentHealth health, BudgetGate budget) {
        this(config, clients, health, budget, null, null, new CompositeMeterRegistry(), null);
    }

    /** A fixed health seam, with budgets enforced in {@code budgetStore} (null: none). */
    public RouterService(RailyardConfig config, KafkaClients clients, DeploymentHealth health, DataSource budgetStore) {
        this(config, clients, health, new CompositeMeterRegistry(), budgetStore == null ? null : BudgetSettings.of(budgetStore));
    }

    /** A fixed health seam, metrics on {@code registry}, budgets enforced as {@code budgets} says (null: none). */
    public RouterService(RailyardConfig config, KafkaClients clients, DeploymentHealth health, MeterRegistry registry,
                         BudgetSettings budgets) {
        this(config, clients, health, BudgetGate.allowAll(), null, null, registry, budgets);
    }

    private RouterService(RailyardConfig config, KafkaClients clients, BudgetGate budget, HealthView view, HealthAggregator aggregator,
                          MeterRegistry registry, BudgetSettings budgets) {
        this(config, clients, view, budget, view, aggregator, registry, budgets);
    }

    private RouterService(RailyardConfig config, KafkaClients clients, DeploymentHealth health, BudgetGate budget,
                          HealthView view, HealthAggregator aggregator, MeterRegistry registry, BudgetSettings budgets) {
        this.view = view;
        this.aggregator = aggregator;
        this.registry = registry;
        this.metrics = view == null ? null : new HealthMetrics(registry, view, config.deployments());
        this.producer = clients.producer("router");
        this.consumer = clients.consumer(GROUP, MAX_POLL_RECORDS);
        Reservations reservations = Reservations.none();
        Clock clock = budgets == null ? Clock.systemUTC() : budgets.clock();
        this.cancelled = budgets == null ? null : new CancelledBatches(budgets.store(), CANCELLATIONS_REFRESH);
        if (budgets == null) {
            this.budgetReader = null;
            this.release = null;
            this.deferredGauge = null;
        } else {
            // Enforced even with no budget configured: budgets created through the admin API arrive on the topic.
            BudgetBook book = new BudgetBook(config.budgets());
            this.budgetReader = new BudgetStateReader(clients, book);
            reservations = new SqlReservations(config, book, budgets.store(), clock);
            this.release = new DeferralRelease(new DeferralStore(budgets.store()), book, producer, clock, budgets.releaseInterval());
            this.deferredGauge = Gauge.builder(DEFERRED_GAUGE, release, DeferralRelease::held)
                    .description("jobs held by a defer budget, waiting for its window to reset or its limit to be raised")
                    .register(registry);
        }
        RoutingPolicy policy = new RoutingPolicy(config, new TokenEstimator(), d -> config.model(d.model()).orElseThrow(), health, budget);
        RouterHandler handler = new RouterHandler(policy,
                new SubmissionCheck(new JobRequestValidator()), new EventCodec(), producer, new DeadLetters(producer),
                clock, new DecisionCounter(registry), reservations,
                cancelled == null ? BatchCancellations.none() : cancelled, clients.tracing());
        this.loop = new BatchLoop("router", consumer, List.of(Topics.JOBS_SUBMITTED), handler);
    }

    /**
     * Starts routing. With budgets, first reads the budget state topic to its end, so no job is routed against
     * stale budgets.
     *
     * @throws IllegalStateException when the budget state topic cannot be read within a minute
     */
    public void start() {
        if (started.compareAndSet(false, true)) {
            if (budgetReader != null) {
                budgetReader.start().awaitCaughtUp(BUDGET_CATCH_UP);
            }
            if (cancelled != null) {
                cancelled.start();
            }
            if (view != null) {
                view.start();
                aggregator.start();
            }
            loop.start();
            if (release != null) {
                release.start();
            }
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
        closeBudgets();
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
        closeBudgets();
        producer.close(Duration.ZERO);
        if (view != null) {
            metrics.close();
            aggregator.halt();
            view.close();
        }
    }

    private void closeBudgets() {
        if (cancelled != null) {
            cancelled.close();
        }
        if (release != null) {
            release.close();
            budgetReader.close();
            registry.remove(deferredGauge);
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
