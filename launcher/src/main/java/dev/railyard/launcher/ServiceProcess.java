package dev.railyard.launcher;

import com.zaxxer.hikari.HikariDataSource;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.ConfigWatcher;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.Database;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.schema.db.Migrations;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Railyard service as its own process (docs/deployment.md): connects to the given Kafka and PostgreSQL,
 * applies the migrations and creates the topics (both idempotent, so any service may start first), serves the
 * admin port, starts the service and marks it ready. On SIGTERM (or Ctrl-C) it stops in order: readiness false
 * first, then the service's own graceful close (intake stops, in-flight calls finish within their bound,
 * results are published and offsets committed), then the connections.
 */
final class ServiceProcess {
    private static final Logger log = LoggerFactory.getLogger(ServiceProcess.class);

    /**
     * What a started service needs from the process.
     *
     * @param config     the configuration to start with
     * @param liveConfig the configuration in use now, for a service that is not restarted on reload
     */
    record Context(RailyardConfig config, Supplier<RailyardConfig> liveConfig, ConfigWatcher reload, KafkaClients clients,
                   HikariDataSource dataSource, Vertx vertx, PrometheusMeterRegistry registry, ServiceOptions options) {
        Context with(RailyardConfig next) {
            return new Context(next, liveConfig, reload, clients, dataSource, vertx, registry, options);
        }
    }

    /** Starts the service; the returned handle's close is the graceful stop. */
    @FunctionalInterface
    interface Starter {
        AutoCloseable start(Context context) throws Exception;
    }

    private ServiceProcess() {
    }

    /**
     * @param restartOnReload whether a valid edit of the configuration file restarts the service on it (the workers);
     *                        otherwise the service reads {@link Context#liveConfig()} (the edge)
     */
    static int run(String name, ServiceOptions options, boolean restartOnReload, Starter starter) throws InterruptedException {
        if (blank(options.connection.kafka) || blank(options.connection.database)) {
            System.err.println("railyard " + name + ": a service process needs an existing Kafka and PostgreSQL: "
                    + "--kafka (env RAILYARD_KAFKA) and --database (env RAILYARD_DATABASE_URL); `railyard up` runs everything embedded");
            return 2;
        }
        PlatformMetrics metrics = new PlatformMetrics();
        // OTLP export when the environment names an endpoint (docs/observability.md); off otherwise.
        Telemetry telemetry = Telemetry.fromEnv(System.getenv(), "railyard-" + name);
        Vertx vertx = Vertx.vertx();
        AdminServer admin = new AdminServer(vertx, metrics.registry());
        HikariDataSource dataSource = null;
        AtomicReference<AutoCloseable> service = new AtomicReference<>();
        AtomicReference<RailyardConfig> inUse = new AtomicReference<>();
        ConfigWatcher watcher = null;
        int adminPort;
        try {
            adminPort = admin.start(options.adminHost, options.adminPort);
            dataSource = Database.pool(options.connection.database, options.connection.databaseUser, options.connection.databasePassword, 16, name);
            new Migrations(dataSource).migrate();
            ConfigLoader loader = new ConfigLoader(System.getenv());
            RailyardConfig config = options.connection.config == null ? loader.loadDefault() : loader.load(options.connection.config);
            if (config.needsSimulator()) {
                if (options.simulator == null || options.simulator.isBlank()) {
                    throw new IllegalStateException("providers " + config.providers().keySet()
                            + " include some without an API key: give their keys, or --simulator URL (env RAILYARD_SIMULATOR_URL)");
                }
                config = config.withSimulator(options.simulator);
            }
            KafkaClients clients = new KafkaClients(options.connection.kafka, "railyard-" + name, Map.of(), telemetry.tracing());
            if ("budget".equals(name)) {
                // The lag is the cluster's, not the process's: one kind of process reports it (dashboards take the max).
                metrics.watchConsumerLag(clients);
            }
            TopicSetup.forPlatform(clients, options.partitions, options.replicationFactor).ensure(config.providers().keySet());
            inUse.set(config);
            AtomicReference<Context> started = new AtomicReference<>();
            if (options.connection.config != null) {
                String simulator = options.simulator;
                watcher = new ConfigWatcher(options.connection.config, loader, next -> ReloadedConfig.prepare(next, simulator, options.connection.config),
                        next -> {
                            TopicSetup.forPlatform(clients, options.partitions, options.replicationFactor).ensure(next.providers().keySet());
                            synchronized (service) {
                                if (restartOnReload) {
                                    restart(service, starter, started.get().with(next));
                                }
                                inUse.set(next);
                            }
                        }, ReloadedConfig.CHECK_INTERVAL, Clock.systemUTC());
            }
            started.set(new Context(config, inUse::get, watcher, clients, dataSource, vertx, metrics.registry(), options));
            service.set(starter.start(started.get()));
            if (watcher != null) {
                watcher.start();
            }
        } catch (Exception e) {
            System.err.println("railyard " + name + ": cannot start: " + e.getMessage());
            log.debug("{} cannot start", name, e);
            admin.close();
            if (dataSource != null) {
                dataSource.close();
            }
            vertx.close();
            metrics.close();
            telemetry.close();
            return 1;
        }
        admin.ready(true);
        CountDownLatch stopped = new CountDownLatch(1);
        HikariDataSource pool = dataSource;
        ConfigWatcher reload = watcher;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Readiness first, so nothing new is sent here while the service drains.
            admin.ready(false);
            System.out.println("railyard " + name + ": stopping (readiness false)");
            long started = System.nanoTime();
            if (reload != null) {
                reload.close();
            }
            try {
                synchronized (service) {
                    service.get().close();
                }
            } catch (Exception e) {
                log.warn("{} did not stop cleanly", name, e);
            }
            System.out.println("railyard " + name + ": stopped after "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
            admin.close();
            pool.close();
            vertx.close();
            metrics.close();
            telemetry.close(); // flushes the last spans
            stopped.countDown();
        }, "railyard-" + name + "-shutdown"));
        System.out.println("railyard " + name + ": ready (admin port " + adminPort + ")");
        stopped.await();
        return 0;
    }

    private static void restart(AtomicReference<AutoCloseable> service, Starter starter, Context context) {
        try {
            service.get().close();
            service.set(starter.start(context));
        } catch (Exception e) {
            throw new IllegalStateException("restart on the new configuration failed: " + e.getMessage(), e);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
