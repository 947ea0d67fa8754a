package dev.railyard.api;

import dev.railyard.api.anthropic.MessageBatchRoutes;
import dev.railyard.api.auth.EdgeAuth;
import dev.railyard.api.batches.BatchFinalizer;
import dev.railyard.api.batches.BatchInputParser;
import dev.railyard.api.batches.BatchIntake;
import dev.railyard.api.batches.BatchResults;
import dev.railyard.api.batches.BatchRoutes;
import dev.railyard.api.batches.BatchStore;
import dev.railyard.api.console.ConsoleRoutes;
import dev.railyard.api.files.FileRoutes;
import dev.railyard.api.files.FileStore;
import dev.railyard.api.http.Blocking;
import dev.railyard.api.http.ErrorHandling;
import dev.railyard.api.http.HealthRoutes;
import dev.railyard.api.http.HttpMetrics;
import dev.railyard.api.http.HttpJson;
import dev.railyard.api.http.JsonlStream;
import dev.railyard.api.http.MetricsRoutes;
import dev.railyard.api.http.OpenApiRoutes;
import dev.railyard.api.http.TenantResolver;
import dev.railyard.api.idempotency.IdempotentPosts;
import dev.railyard.api.jobs.JobPublisher;
import dev.railyard.api.jobs.JobRequestReader;
import dev.railyard.api.jobs.JobRoutes;
import dev.railyard.api.jobs.JobStore;
import dev.railyard.api.jobs.JobSubmission;
import dev.railyard.api.jobs.JobView;
import dev.railyard.api.models.ModelRoutes;
import dev.railyard.api.stats.StatsRoutes;
import dev.railyard.api.stats.StatsStore;
import dev.railyard.api.sync.SyncResults;
import dev.railyard.api.sync.SyncRoutes;
import dev.railyard.api.webhooks.Webhooks;
import dev.railyard.config.RailyardConfig;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.validation.JobRequestValidator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST edge: accepts jobs and batches (stored in PostgreSQL, then announced on
 * {@code railyard.jobs.submitted}), and serves their status and results. Owns its Kafka producer and its
 * HTTP server; the Vert.x instance, the data source, the config and the meter registry belong to the caller.
 */
public final class ApiIngest implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiIngest.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** How often finished batches are looked for, to write their output and error files. */
    private static final Duration FINALIZE_INTERVAL = Duration.ofSeconds(1);

    private final ApiSettings settings;
    private final Vertx vertx;
    private final List<Consumer<Router>> extraRoutes;
    private final KafkaProducer<byte[], byte[]> producer;
    private final HttpJson json;
    private final ErrorHandling errors;
    private final EdgeAuth auth;
    private final IdempotentPosts idempotency;
    private final JobRoutes jobRoutes;
    private final SyncResults syncResults;
    private final SyncRoutes syncRoutes;
    private final BatchRoutes batchRoutes;
    private final MessageBatchRoutes messageBatchRoutes;
    private final FileRoutes fileRoutes;
    private final BatchFinalizer finalizer;
    private final Webhooks webhooks;
    private final Blocking blocking;
    private final ModelRoutes modelRoutes;
    private final HealthRoutes healthRoutes;
    private final OpenApiRoutes openApiRoutes;
    private final StatsRoutes statsRoutes;
    private final ConsoleRoutes consoleRoutes;
    private final MetricsRoutes metricsRoutes; // null: no /metrics
    private final HttpMetrics httpMetrics; // null: requests are not timed
    private volatile HttpServer server;
    private volatile Router router; // set by start()

    /** Without metrics: no {@code /metrics}, no request timers. */
    public ApiIngest(ApiSettings settings, RailyardConfig config, KafkaClients clients, DataSource dataSource, Vertx vertx,
                     List<Consumer<Router>> extraRoutes) {
        this(settings, config, clients, dataSource, vertx, extraRoutes, null);
    }

    /**
     * With {@code GET /metrics} serving every meter of {@code metrics} (the process's registry, which other
     * services record on too) and a timer per request ({@code http.server.requests}) recorded on it.
     */
    public ApiIngest(ApiSettings settings, RailyardConfig config, KafkaClients clients, DataSource dataSource, Vertx vertx,
                     List<Consumer<Router>> extraRoutes, PrometheusMeterRegistry metrics) {
        this(settings, () -> config, clients, dataSource, vertx, extraRoutes, metrics);
    }

    /**
     * As above, reading the configuration in use at each request ({@code GET /v1/models}), for an edge that is not
     * restarted when railyard.yaml is reloaded.
     */
    public ApiIngest(ApiSettings settings, Supplier<RailyardConfig> config, KafkaClients clients, DataSource dataSource,
                     Vertx vertx, List<Consumer<Router>> extraRoutes, PrometheusMeterRegistry metrics) {
        this.settings = settings;
        this.vertx = vertx;
        this.extraRoutes = List.copyOf(extraRoutes);
        Clock clock = Clock.systemUTC();
        EventCodec codec = new EventCodec();
        JobRequestValidator validator = new JobRequestValidator();
        Blocking blocking = new Blocking(vertx);
        this.blocking = blocking;
        TenantResolver tenants = new TenantResolver();
        Ids ids = new Ids();
        this.producer = clients.producer("api-ingest");
        this.json = new HttpJson(codec.mapper());
        this.errors = new ErrorHandling(json, settings.maxBodyBytes());
        this.auth = new EdgeAuth(dataSource, blocking, json, vertx, clock, settings.authRequired(), settings.requestsPerMinute());
        this.idempotency = new IdempotentPosts(dataSource, blocking, json, vertx, settings.maxBodyBytes());
        JobStore jobStore = new JobStore(dataSource, codec.mapper());
        JobPublisher publisher = new JobPublisher(producer, codec, clock, clients.tracing());
        JobSubmission submission = new JobSubmission(jobStore, publisher, blocking, ids, clock);
        JobRequestReader reader = new JobRequestReader(codec.mapper(), validator, clock);
        this.jobRoutes = new JobRoutes(reader, submission, jobStore, new JobView(codec.mapper()), blocking, json, tenants);
        this.syncResults = new SyncResults(clients, codec, jobStore, blocking);
        this.syncRoutes = new SyncRoutes(reader, submission, syncResults, json, tenants, settings.syncWait());
        BatchStore batchStore = new BatchStore(dataSource);
        BatchIntake intake = new BatchIntake(new BatchInputParser(codec.mapper(), validator, BatchInputParser.MAX_LINES),
                batchStore, publisher, ids, clock);
        FileStore fileStore = new FileStore(dataSource);
        BatchResults batchResults = new BatchResults(dataSource, batchStore, codec.mapper());
        this.batchRoutes = new BatchRoutes(intake, batchStore, batchResults, jobStore, blocking, json, new JsonlStream(blocking),
                tenants, fileStore, clock, ids);
        this.messageBatchRoutes = new MessageBatchRoutes(intake, batchStore, jobStore, dataSource, validator, ids, blocking, json,
                tenants, clock);
        // A file may be as large as any request body (200 MB by default, OpenAI's limit).
        this.fileRoutes = new FileRoutes(fileStore, vertx, blocking, json, tenants, ids, clock, settings.maxBodyBytes());
        this.finalizer = new BatchFinalizer(dataSource, fileStore, batchResults, ids, clock);
        this.webhooks = new Webhooks(settings.webhooks(), dataSource, vertx, json, blocking, tenants);
        this.modelRoutes = new ModelRoutes(config, json);
        this.healthRoutes = new HealthRoutes(dataSource, producer, blocking, json, READY_TIMEOUT);
        this.openApiRoutes = new OpenApiRoutes();
        this.statsRoutes = new StatsRoutes(new StatsStore(dataSource), blocking, json, tenants, clock);
        this.consoleRoutes = new ConsoleRoutes();
        this.metricsRoutes = metrics == null ? null : new MetricsRoutes(metrics, blocking);
        this.httpMetrics = metrics == null ? null : new HttpMetrics(metrics);
    }

    /** Binds the HTTP server; the future holds the bound port (useful with port 0). */
    public Future<Integer> start() {
        Router router = Router.router(vertx);
        // Keys, then idempotency, ahead of every route (other modules' too): explicit orders below any other.
        auth.install(router);
        idempotency.install(router, EdgeAuth.ORDER + 1);
        if (httpMetrics != null) {
            httpMetrics.install(router);
        }
        errors.install(router);
        BodyHandler bodies = BodyHandler.create(false).setBodyLimit(settings.maxBodyBytes())
                .setMergeFormAttributes(false).setPreallocateBodyBuffer(true);
        jobRoutes.mount(router, bodies);
        syncRoutes.mount(router, bodies);
        batchRoutes.mount(router, bodies);
        messageBatchRoutes.mount(router, bodies);
        fileRoutes.mount(router);
        webhooks.mount(router);
        modelRoutes.mount(router);
        healthRoutes.mount(router);
        openApiRoutes.mount(router);
        statsRoutes.mount(router);
        consoleRoutes.mount(router);
        if (metricsRoutes != null) {
            metricsRoutes.mount(router);
        }
        extraRoutes.forEach(mount -> mount.accept(router));
        this.router = router;
        HttpServer http = vertx.createHttpServer();
        // Listening for results first: a synchronous request accepted later must see its job's result.
        return syncResults.start().compose(v -> auth.start()).compose(v -> {
            idempotency.start();
            return http.requestHandler(idempotency.recording(router)).listen(settings.port(), settings.host());
        }).map(bound -> {
            finalizer.start(vertx, blocking, FINALIZE_INTERVAL);
            webhooks.start();
            server = bound;
            LOG.info("api-ingest listening on {}:{}", settings.host(), bound.actualPort());
            return bound.actualPort();
        });
    }

    /** Every route mounted, other modules' too (empty before {@link #start()}): what docs/openapi.yaml is checked against. */
    public List<Route> routes() {
        Router mounted = router;
        return mounted == null ? List.of() : List.copyOf(mounted.getRoutes());
    }

    /** Stops accepting requests, then flushes and closes the producer. Waits only when not called on an event loop. */
    @Override
    public void close() {
        HttpServer http = server;
        if (http != null) {
            Future<Void> closed = http.close();
            if (!Context.isOnEventLoopThread()) {
                try {
                    closed.await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    LOG.warn("HTTP server did not close within {}", CLOSE_TIMEOUT, e);
                }
            }
        }
        finalizer.close();
        webhooks.close();
        auth.close();
        idempotency.close();
        producer.close(Context.isOnEventLoopThread() ? Duration.ZERO : CLOSE_TIMEOUT);
        syncResults.close();
    }
}
