package dev.railyard.launcher;

import dev.railyard.api.ApiIngest;
import dev.railyard.api.ApiSettings;
import dev.railyard.api.webhooks.WebhookSettings;
import dev.railyard.budget.BudgetService;
import dev.railyard.budget.BudgetSettings;
import dev.railyard.provider.ProviderWorkers;
import dev.railyard.router.RouterService;
import dev.railyard.router.health.HealthSettings;
import dev.railyard.router.health.HealthView;
import dev.railyard.schema.EventCodec;
import dev.railyard.simulator.Simulator;
import dev.railyard.simulator.SimulatorSettings;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code railyard service <name>}: one service as its own process, against an existing Kafka and PostgreSQL
 * (docker-compose.yml, deploy/k8s). Run as many router, providers and budget processes as the topics have
 * partitions; they share the work through their consumer groups.
 */
@Command(name = "service", mixinStandardHelpOptions = true, description = "Run one Railyard service as its own process (api, router, providers, budget, simulator).")
final class ServiceCommand implements Runnable {
    @Spec
    CommandSpec spec;

    /** The subcommands' names, as docker-compose.yml and deploy/k8s use them. */
    static final List<String> NAMES = List.of("api", "router", "providers", "budget", "simulator");

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "api", mixinStandardHelpOptions = true, description = "api-ingest: the REST edge (jobs, batches, files, status, results, webhooks).")
    int api(@Mixin ServiceOptions options,
            @Option(names = "--host", defaultValue = "${env:RAILYARD_HOST:-0.0.0.0}", description = "API host (default: ${DEFAULT-VALUE}).")
            String host,
            @Option(names = "--port", defaultValue = "${env:RAILYARD_PORT:-8080}", description = "API port (default: ${DEFAULT-VALUE}).")
            int port) throws InterruptedException {
        return ServiceProcess.run("api", options, false, context -> {
            // The edge reads live health like a router does, and serves the budget admin and dead-letter replay of
            // a budget service it never starts: those write to PostgreSQL and Kafka, the consuming is elsewhere.
            HealthView health = new HealthView(context.clients(), HealthSettings.defaults(), Clock.systemUTC()).start();
            BudgetService budget = new BudgetService(context.config(), context.clients(), context.dataSource(), context.vertx(),
                    BudgetSettings.defaults().withWebhookSecret(System.getenv("RAILYARD_WEBHOOK_SECRET")));
            List<Consumer<Router>> routes = new ArrayList<>(EdgeRoutes.of(context.liveConfig(), context.dataSource(), context.vertx(),
                    health::snapshot, budget::admin, budget::deadLetterReplay));
            if (context.reload() != null) {
                routes.add(new ConfigRoutes(context.reload(), context.vertx(), new EventCodec().mapper())::install);
            }
            ApiIngest api = new ApiIngest(new ApiSettings(host, port, ApiSettings.defaults().maxBodyBytes())
                    .withAuthFrom(System.getenv())
                    .withWebhooks(WebhookSettings.defaults().withEnv(System.getenv())),
                    context.liveConfig(), context.clients(), context.dataSource(), context.vertx(),
                    routes, context.registry());
            int bound = api.start().toCompletionStage().toCompletableFuture().join();
            System.out.println("railyard api: listening on " + host + ":" + bound);
            return () -> {
                // Readiness is already false: give load balancers the drain period, then stop taking requests.
                Thread.sleep(context.options().drain().toMillis());
                api.close();
                budget.close();
                health.close();
            };
        });
    }

    @Command(name = "router", mixinStandardHelpOptions = true, description = "router-worker: routes submitted jobs to provider deployments.")
    int router(@Mixin ServiceOptions options) throws InterruptedException {
        return ServiceProcess.run("router", options, true, context -> {
            RouterService router = new RouterService(context.config(), context.clients(), context.registry(), context.dataSource());
            router.start();
            return router;
        });
    }

    @Command(name = "providers", mixinStandardHelpOptions = true, description = "provider-workers: call the providers (rate limits, retries, circuit breakers, fallbacks).")
    int providers(@Mixin ServiceOptions options) throws InterruptedException {
        return ServiceProcess.run("providers", options, true, context -> {
            ProviderWorkers workers = new ProviderWorkers(context.config(), context.clients(), context.vertx(), context.dataSource(),
                    context.registry());
            workers.start();
            return workers;
        });
    }

    @Command(name = "budget", mixinStandardHelpOptions = true, description = "budget-service: the spend ledger, budget windows and alerts, dead-letter records.")
    int budget(@Mixin ServiceOptions options) throws InterruptedException {
        return ServiceProcess.run("budget", options, true, context -> {
            BudgetService budget = new BudgetService(context.config(), context.clients(), context.dataSource(), context.vertx(),
                    BudgetSettings.defaults().withWebhookSecret(System.getenv("RAILYARD_WEBHOOK_SECRET")), context.registry());
            budget.start();
            return budget;
        });
    }

    @Command(name = "simulator", mixinStandardHelpOptions = true, description = "The provider simulator (OpenAI, Anthropic, Gemini and Bedrock wire formats).")
    int simulator(@Option(names = "--host", defaultValue = "${env:RAILYARD_HOST:-0.0.0.0}") String host,
                  @Option(names = "--port", defaultValue = "${env:RAILYARD_PORT:-8090}", description = "Port (default: ${DEFAULT-VALUE}).") int port,
                  @Option(names = "--latency-ms", defaultValue = "${env:RAILYARD_SIMULATOR_LATENCY_MS:-0}") long latencyMs,
                  @Option(names = "--error-rate", defaultValue = "${env:RAILYARD_SIMULATOR_ERROR_RATE:-0}") double errorRate)
            throws InterruptedException {
        Vertx vertx = Vertx.vertx();
        Simulator simulator = new Simulator(vertx, SimulatorSettings.defaults().withPort(port).withLatencyMs(latencyMs)
                .withErrorRate(errorRate), host);
        simulator.start().toCompletionStage().toCompletableFuture().join();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            vertx.close();
            stopped.countDown();
        }, "railyard-simulator-shutdown"));
        System.out.println("railyard simulator: ready at " + simulator.baseUrl());
        stopped.await();
        return 0;
    }
}
