package dev.railyard.launcher;

import com.zaxxer.hikari.HikariDataSource;
import dev.railyard.api.ApiIngest;
import dev.railyard.api.ApiSettings;
import dev.railyard.budget.BudgetService;
import dev.railyard.budget.BudgetSettings;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.ConfigWatcher;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.Database;
import dev.railyard.infra.Infrastructure;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.provider.ProviderWorkers;
import dev.railyard.router.RouterService;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.db.Migrations;
import dev.railyard.schema.event.DeploymentHealthSnapshot;
import dev.railyard.simulator.Simulator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
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
    private final AtomicReference<RailyardConfig> config;
    private final KafkaClients clients;
    private final ApiIngest api;
    private final int apiPort;
    private final AtomicReference<Workers> workers;
    private final PlatformMetrics metrics;
    private final ConfigWatcher watcher;
    private final Telemetry telemetry;

    /** The Kafka-consuming services; they can be crashed and restarted together (tests of redelivery). */
    private record Workers(BudgetService budget, ProviderWorkers providers, RouterService router) {
        static Workers start(RailyardConfig config, KafkaClients clients, HikariDataSource dataSource, Vertx vertx,
                             MeterRegistry metrics) {
            // Alert webhooks are signed (Standard Webhooks) when RAILYARD_WEBHOOK_SECRET is set.
            BudgetService budget = new BudgetService(config, clients, dataSource, vertx,
                    BudgetSettings.defaults().withWebhookSecret(System.getenv("RAILYARD_WEBHOOK_SECRET")), metrics);
            budget.start();
            ProviderWorkers providers = new ProviderWorkers(config, clients, vertx, dataSource, metrics);
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
                     AtomicReference<RailyardConfig> config, KafkaClients clients, ApiIngest api, int apiPort,
                     AtomicReference<Workers> workers, PlatformMetrics metrics, ConfigWatcher watcher, Telemetry telemetry) {
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
        this.watcher = watcher;
        this.telemetry = telemetry;
    }

    /** Traces exported over OTLP when the environment names an endpoint (docs/observability.md), else none recorded. */
    public static Platform start(PlatformSettings settings) {
        return start(settings, Telemetry.fromEnv(System.getenv(), "railyard"));
    }

    /** @param telemetry the services' tracing; closed (its spans flushed) with the platform */
    public static Platform start(PlatformSettings settings, Telemetry telemetry) {
        Infrastructure infra = Infrastructure.start(settings.dataDir(), settings.kafka(), settings.kafkaPort(),
                settings.database(), settings.dbUser(), settings.dbPassword());
        HikariDataSource ds = null;
        Vertx vertx = null;
        ConfigWatcher watcher = null;
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
            KafkaClients clients = new KafkaClients(infra.bootstrapServers(), "railyard", Map.of(), telemetry.tracing());
            metrics.watchConsumerLag(clients);
            TopicSetup.forPlatform(clients, settings.partitions(), (short) 1).ensure(config.providers().keySet());
            Workers workers = Workers.start(config, clients, ds, vertx, metrics.registry());
            AtomicReference<Workers> current = new AtomicReference<>(workers);
            AtomicReference<RailyardConfig> inUse = new AtomicReference<>(config);
            List<Consumer<Router>> edge = new ArrayList<>(EdgeRoutes.of(inUse::get, ds, vertx, () -> current.get().router().health(),
                    () -> current.get().budget().admin(), () -> current.get().budget().deadLetterReplay()));
            if (settings.configFile() != null) {
                // Hot reload (docs/configuration.md): a valid edit restarts the workers on it, an invalid one is refused.
                String simulatorRoot = simulator == null ? null : "http://127.0.0.1:" + simulator.port();
                HikariDataSource pool = ds;
                Vertx loop = vertx;
                watcher = new ConfigWatcher(settings.configFile(), loader, next -> ReloadedConfig.prepare(next, simulatorRoot,
                        settings.configFile()), next -> {
                    TopicSetup.forPlatform(clients, settings.partitions(), (short) 1).ensure(next.providers().keySet());
                    synchronized (current) {
                        current.get().close();
                        current.set(Workers.start(next, clients, pool, loop, metrics.registry()));
                        inUse.set(next);
                    }
                }, ReloadedConfig.CHECK_INTERVAL, Clock.systemUTC()).start();
                edge.add(new ConfigRoutes(watcher, vertx, new EventCodec().mapper())::install);
            }
            // RAILYARD_AUTH_REQUIRED, RAILYARD_API_REQUESTS_PER_MINUTE (docs/auth.md)
            ApiIngest api = new ApiIngest(new ApiSettings(settings.apiHost(), settings.apiPort(), ApiSettings.defaults().maxBodyBytes())
                    .withAuthFrom(System.getenv())
                    // RAILYARD_WEBHOOKS_ALLOW_PRIVATE (docs/webhooks.md): private callback targets stay refused unless set
                    .withWebhooks(settings.webhooks().withEnv(System.getenv())),
                    inUse::get, clients, ds, vertx, edge, metrics.registry());
            int port = api.start().toCompletionStage().toCompletableFuture().join();
            return new Platform(infra, ds, vertx, simulator, inUse, clients, api, port, current, metrics, watcher, telemetry);
        } catch (RuntimeException e) {
            if (watcher != null) {
                watcher.close();
            }
            if (vertx != null) {
                vertx.close();
            }
            if (ds != null) {
                ds.close();
            }
            infra.close();
            metrics.close();
            telemetry.close();
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

    /** The configuration in use (hot reload replaces it). */
    public RailyardConfig config() {
        return config.get();
    }

    /** The configuration file's hot reload, or null when the built-in configuration is in use. */
    public ConfigWatcher configWatcher() {
        return watcher;
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
    public Map<String, DeploymentHealthSnapshot> health() {
        synchronized (workers) {
            return workers.get().router().health();
        }
    }

    /** Kills the workers without a clean shutdown: nothing more is committed. */
    public void crashWorkers() {
        synchronized (workers) {
            workers.get().halt();
        }
    }

    /** Starts fresh workers on the same Kafka and PostgreSQL (after {@link #crashWorkers()}). */
    public void restartWorkers() {
        synchronized (workers) {
            workers.set(Workers.start(config.get(), clients, dataSource, vertx, metrics.registry()));
        }
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.close();
        }
        api.close();
        synchronized (workers) {
            workers.get().close();
        }
        if (simulator != null) {
            simulator.close();
        }
        metrics.close(); // before the broker stops: the lag meter asks it
        telemetry.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        dataSource.close();
        infrastructure.close();
    }
}
