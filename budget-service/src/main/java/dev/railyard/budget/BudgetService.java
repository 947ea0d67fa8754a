package dev.railyard.budget;

import dev.railyard.budget.admin.BudgetAdmin;
import dev.railyard.budget.admin.BudgetRequests;
import dev.railyard.budget.alert.AlertDelivery;
import dev.railyard.budget.alert.AlertRecorder;
import dev.railyard.budget.catalog.BudgetCatalog;
import dev.railyard.budget.deadletter.DeadLetterArchive;
import dev.railyard.budget.deadletter.DeadLetterRecorder;
import dev.railyard.budget.deadletter.DeadLetterReplay;
import dev.railyard.budget.jobs.JobGauges;
import dev.railyard.budget.ledger.LedgerWriter;
import dev.railyard.budget.ledger.SpendMeter;
import dev.railyard.budget.report.BudgetReport;
import dev.railyard.budget.state.BudgetStatePublisher;
import dev.railyard.budget.state.StateRefresher;
import dev.railyard.config.Deployment;
import dev.railyard.config.RailyardConfig;
import dev.railyard.kafka.BatchLoop;
import dev.railyard.kafka.DeadLetters;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import dev.railyard.schema.db.Migrations;
import dev.railyard.schema.webhook.WebhookSigner;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The budget service: consumes {@code railyard.jobs.results} in the {@code railyard-budget} group and
 * records each job's terminal state, its attempts and the spend ledger in PostgreSQL, one transaction
 * per poll batch, settling the router's budget reservations and recording alert thresholds in it. Around that
 * it keeps the compacted budget state topic current ({@link StateRefresher}), delivers alerts to their webhooks
 * ({@link AlertDelivery}) and serves the budget admin operations ({@link #admin()}). The data source should set
 * {@code reWriteBatchedInserts=true} (as {@code Database.pool} does) so batches become multi-row inserts. Applies
 * the migrations at start. A second loop records {@code railyard.jobs.dead-letter} in PostgreSQL (group
 * {@code <group>-dead-letters}) for the dead-letter API, whose replays it produces ({@link #deadLetterReplay()}).
 */
public final class BudgetService implements AutoCloseable {
    public static final String GROUP = "railyard-budget";
    private static final int MAX_POLL_RECORDS = 2000;

    private final DataSource dataSource;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final BatchLoop loop;
    private final KafkaConsumer<byte[], byte[]> deadLetterConsumer;
    private final BatchLoop deadLetterLoop;
    private final DeadLetterReplay deadLetterReplay;
    private final StateRefresher state;
    private final AlertDelivery delivery;
    private final BudgetAdmin admin;
    private final Vertx ownVertx;
    private final JobGauges jobGauges; // null without a registry
    private final AtomicBoolean started = new AtomicBoolean();

    /** Default settings, with a Vert.x instance of its own for alert deliveries. */
    public BudgetService(RailyardConfig config, KafkaClients clients, DataSource dataSource) {
        this(config, clients, dataSource, null, BudgetSettings.defaults());
    }

    /** @param vertx runs alert deliveries; null to start (and close) one of its own */
    public BudgetService(RailyardConfig config, KafkaClients clients, DataSource dataSource, Vertx vertx, BudgetSettings settings) {
        this(config, clients, dataSource, vertx, settings, null);
    }

    /**
     * @param registry where spend ({@code railyard.spend}) and the jobs by state and tenant backlog gauges are
     *                 recorded (docs/metrics.md); null records nothing
     */
    public BudgetService(RailyardConfig config, KafkaClients clients, DataSource dataSource, Vertx vertx, BudgetSettings settings,
                         MeterRegistry registry) {
        this.dataSource = dataSource;
        this.jobGauges = registry == null ? null
                : new JobGauges(dataSource, registry, settings.jobCountInterval(), settings.backlogTenants());
        this.ownVertx = vertx == null ? Vertx.vertx() : null;
        EventCodec codec = new EventCodec();
        this.producer = clients.producer("budget-service");
        this.consumer = clients.consumer(settings.consumerGroup(), MAX_POLL_RECORDS);
        BudgetCatalog catalog = new BudgetCatalog(config.budgets());
        AlertRecorder alerts = new AlertRecorder(codec.mapper());
        this.delivery = new AlertDelivery(vertx == null ? ownVertx : vertx, dataSource,
                settings.webhookSecret() == null ? null : new WebhookSigner(settings.webhookSecret()),
                settings.alertRetry(), settings.alertPoll(), settings.alertTimeout());
        BudgetStatePublisher publisher = new BudgetStatePublisher(producer, codec, catalog, alerts, settings.clock(),
                settings.stateAckTimeout());
        this.state = new StateRefresher(publisher, catalog, dataSource, clients, settings.stateInterval(), delivery::wake);
        this.admin = new BudgetAdmin(catalog, new BudgetRequests(config.models().keySet(), config.providers().keySet()),
                new BudgetReport(catalog, dataSource, settings.clock()), publisher, dataSource, delivery::wake);
        LedgerWriter ledger = new LedgerWriter(dataSource, new SettlementEffects(catalog, alerts, state, delivery),
                registry == null ? SpendMeter.none() : new SpendMeter(registry));
        ResultsHandler handler = new ResultsHandler(codec, ledger, new DeadLetters(producer),
                deployment -> config.deployment(deployment).map(Deployment::provider), clients.tracing());
        this.loop = new BatchLoop("budget", consumer, List.of(Topics.JOBS_RESULTS), handler);
        this.deadLetterConsumer = clients.consumer(settings.consumerGroup() + "-dead-letters", MAX_POLL_RECORDS);
        this.deadLetterLoop = new BatchLoop("dead-letters", deadLetterConsumer, List.of(Topics.JOBS_DEAD_LETTER),
                new DeadLetterRecorder(dataSource, codec.mapper()));
        this.deadLetterReplay = new DeadLetterReplay(dataSource, new DeadLetterArchive(dataSource, codec.mapper()), producer,
                settings.clock());
    }

    public void start() {
        if (started.compareAndSet(false, true)) {
            new Migrations(dataSource).migrate();
            loop.start();
            deadLetterLoop.start();
            state.start();
            delivery.start();
            if (jobGauges != null) {
                jobGauges.start();
            }
        }
    }

    /** List, read, create, change and delete budgets (the REST API's {@code /v1/budgets}); blocking. */
    public BudgetAdmin admin() {
        return admin;
    }

    /** Replays recorded dead letters onto their source topics (the REST API's {@code /v1/dead-letters}); blocking. */
    public DeadLetterReplay deadLetterReplay() {
        return deadLetterReplay;
    }

    /** Stops after the batch in hand is written and committed. The data source stays open: the caller owns it. */
    @Override
    public void close() {
        closeGauges();
        stopLoop(false);
        state.close();
        delivery.close();
        producer.close();
        closeOwnVertx();
    }

    /** A crash, for tests: stops without committing offsets; redelivered results are written idempotently. */
    public void halt() {
        closeGauges();
        stopLoop(true);
        state.halt();
        delivery.close();
        producer.close(Duration.ZERO);
        closeOwnVertx();
    }

    private void closeGauges() {
        if (jobGauges != null) {
            jobGauges.close();
        }
    }

    private void closeOwnVertx() {
        if (ownVertx != null) {
            ownVertx.close();
        }
    }

    private void stopLoop(boolean crash) {
        if (started.compareAndSet(false, true)) {
            consumer.close(Duration.ZERO); // the loop never ran, so it will not close its consumer; nor will it start now
            deadLetterConsumer.close(Duration.ZERO);
            return;
        }
        if (crash) {
            loop.halt();
            deadLetterLoop.halt();
        } else {
            loop.close();
            deadLetterLoop.close();
        }
    }
}
