package dev.railyard.launcher;

import com.zaxxer.hikari.HikariDataSource;
import dev.railyard.api.ApiIngest;
import dev.railyard.api.ApiSettings;
import dev.railyard.budget.BudgetService;
import dev.railyard.budget.BudgetSettings;
import dev.railyard.budget.admin.BudgetRoutes;
import dev.railyard.budget.deadletter.DeadLetterArchive;
import dev.railyard.budget.deadletter.DeadLetterRoutes;
import dev.railyard.budget.report.SpendReport;
import dev.railyard.budget.report.SpendRoutes;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.Database;
import dev.railyard.infra.Infrastructure;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.provider.ProviderWorkers;
import dev.railyard.router.RouterService;
import dev.railyard.router.estimate.BatchEstimate;
import dev.railyard.router.estimate.EstimateInput;
import dev.railyard.router.estimate.EstimateRoutes;
import dev.railyard.router.policy.TokenEstimator;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.db.Migrations;
import dev.railyard.schema.event.DeploymentHealthSnapshot;
import dev.railyard.schema.validation.JobRequestValidator;
import dev.railyard.simulator.Simulator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every Railyard service in one process: Kafka and PostgreSQL (embedded unless given), the simulator
 * when a provider has no key, then budget-service, provider-workers, router-worker and api-ingest.
 */
public final class Platform implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Platform.class);

    private final Infrastructure infrastructure;
    private final HikariDataSource dataSource;
    private final Vertx vertx;
    private final Simulator simulator;
    private final RailyardConfig config;
    private final KafkaClients clients;
    private final ApiIngest api;
    private final int apiPort;
    private final AtomicReference<Workers> workers;
    private final PlatformMetrics metrics;

    /** The Kafka-consuming services; they can be crashed and restarted together (tests of redelivery). */
    private record Workers(BudgetService budget, ProviderWorkers providers, RouterService router) {
        static Workers start(RailyardConfig config, KafkaClients clients, HikariDataSource dataSource, Vertx vertx,
                             MeterRegistry metrics) {
            // Alert webhooks are signed (Standard Webhooks) when RAILYARD_WEBHOOK_SECRET is set.
            BudgetService budget = new BudgetService(config, clients, dataSource, vertx,
                    BudgetSettings.defaults().withWebhookSecret(System.getenv("RAILYARD_WEBHOOK_SECRET")));
            budget.start();
            ProviderWorkers providers = new ProviderWorkers(config, clients, vertx, dataSource);
            providers.start();
            RouterService router = new RouterService(config, clients, metrics, dataSource);
            router.start();
            return new Workers(budget, providers, router);
        }

        void close() {
            router.close();
            providers.close();
            budget.close();
        }

        void halt() {
            router.halt();
            providers.halt();
            budget.halt();
        }
    }

    private Platform(Infrastructure infrastructure, HikariDataSource dataSource, Vertx vertx, Simulator simulator,
                     RailyardConfig config, KafkaClients clients, ApiIngest api, int apiPort, AtomicReference<Workers> workers,
                     PlatformMetrics metrics) {
        this.infrastructure = infrastructure;
        this.dataSource = dataSource;
        this.vertx = vertx;
        this.simulator = simulator;
        this.config = config;
        this.clients = clients;
        this.api = api;
        this.apiPort = apiPort;
        this.workers = workers;
        this.metrics = metrics;
    }

    public static Platform start(PlatformSettings settings) {
        Infrastructure infra = Infrastructure.start(settings.dataDir(), settings.kafka(), settings.kafkaPort(),
                settings.database(), settings.dbUser(), settings.dbPassword());
        HikariDataSource ds = null;
        Vertx vertx = null;
        PlatformMetrics metrics = new PlatformMetrics();
        try {
            ds = Database.pool(infra.jdbcUrl(), infra.dbUser(), infra.dbPassword(), 16, "platform");
            new Migrations(ds).migrate();
            ConfigLoader loader = new ConfigLoader(System.getenv());
            RailyardConfig config = settings.configFile() == null ? loader.loadDefault() : loader.load(settings.configFile());
            vertx = Vertx.vertx();
            Simulator simulator = null;
            if (config.needsSimulator()) {
                simulator = new Simulator(vertx, settings.simulator());
                simulator.start().toCompletionStage().toCompletableFuture().join();
                config = config.withSimulator("http://127.0.0.1:" + simulator.port());
                log.info("providers without an API key are served by the simulator at {}", simulator.baseUrl());
            }
            KafkaClients clients = new KafkaClients(infra.bootstrapServers(), "railyard", Map.of());
            TopicSetup.forPlatform(clients, settings.partitions(), (short) 1).ensure(config.providers().keySet());
            Workers workers = Workers.start(config, clients, ds, vertx, metrics.registry());
            SpendRoutes spend = new SpendRoutes(new SpendReport(ds), vertx);
            AtomicReference<Workers> current = new AtomicReference<>(workers);
            BudgetRoutes budgets = new BudgetRoutes(() -> current.get().budget().admin(), vertx);
            DeadLetterRoutes deadLetters = new DeadLetterRoutes(new DeadLetterArchive(ds, new EventCodec().mapper()),
                    () -> current.get().budget().deadLetterReplay(), vertx);
            DeploymentRoutes deployments = new DeploymentRoutes(config, () -> current.get().router().health(),
                    new EventCodec().mapper());
            EstimateRoutes estimates = new EstimateRoutes(
                    new BatchEstimate(config, new TokenEstimator(), () -> current.get().router().health(), Clock.systemUTC()),
                    new EstimateInput(new EventCodec().mapper(), new JobRequestValidator()), vertx, ApiSettings.defaults().maxBodyBytes());
            // RAILYARD_AUTH_REQUIRED, RAILYARD_API_REQUESTS_PER_MINUTE (docs/auth.md)
            ApiIngest api = new ApiIngest(new ApiSettings(settings.apiHost(), settings.apiPort(), ApiSettings.defaults().maxBodyBytes())
                    .withAuthFrom(System.getenv())
                    // RAILYARD_WEBHOOKS_ALLOW_PRIVATE (docs/webhooks.md): private callback targets stay refused unless set
                    .withWebhooks(settings.webhooks().withEnv(System.getenv())),
                    config, clients, ds, vertx, List.of(spend::install, budgets::install, deployments::install, estimates::install, deadLetters::install), metrics.registry());
            int port = api.start().toCompletionStage().toCompletableFuture().join();
            return new Platform(infra, ds, vertx, simulator, config, clients, api, port, current, metrics);
        } catch (RuntimeException e) {
            if (vertx != null) {
                vertx.close();
            }
            if (ds != null) {
                ds.close();
            }
            infra.close();
            metrics.close();
            throw e;
        }
    }

    public int apiPort() {
        return apiPort;
    }

    public String apiBaseUrl() {
        return "http://127.0.0.1:" + apiPort;
    }

    /** Every route the API serves, the other modules' included (checked against docs/openapi.yaml by a test). */
    public List<Route> apiRoutes() {
        return api.routes();
    }

    public Infrastructure infrastructure() {
        return infrastructure;
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    public RailyardConfig config() {
        return config;
    }

    public KafkaClients kafkaClients() {
        return clients;
    }

    public Simulator simulator() {
        return simulator;
    }

    /** Every service's meters, as {@code GET /metrics} serves them. */
    public PrometheusMeterRegistry meterRegistry() {
        return metrics.registry();
    }

    /** Live deployment health as this process's router sees it (merged over every instance). */
    public synchronized Map<String, DeploymentHealthSnapshot> health() {
        return workers.get().router().health();
    }

    /** Kills the workers without a clean shutdown: nothing more is committed. */
    public synchronized void crashWorkers() {
        workers.get().halt();
    }

    /** Starts fresh workers on the same Kafka and PostgreSQL (after {@link #crashWorkers()}). */
    public synchronized void restartWorkers() {
        workers.set(Workers.start(config, clients, dataSource, vertx, metrics.registry()));
    }

    @Override
    public synchronized void close() {
        api.close();
        workers.get().close();
        if (simulator != null) {
            simulator.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().join();
        dataSource.close();
        infrastructure.close();
        metrics.close();
    }
}
