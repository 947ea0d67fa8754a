package dev.railyard.api;

import dev.railyard.api.batches.BatchInputParser;
import dev.railyard.api.batches.BatchIntake;
import dev.railyard.api.batches.BatchResults;
import dev.railyard.api.batches.BatchRoutes;
import dev.railyard.api.batches.BatchStore;
import dev.railyard.api.http.Blocking;
import dev.railyard.api.http.ErrorHandling;
import dev.railyard.api.http.HealthRoutes;
import dev.railyard.api.http.HttpMetrics;
import dev.railyard.api.http.HttpJson;
import dev.railyard.api.http.JsonlStream;
import dev.railyard.api.http.MetricsRoutes;
import dev.railyard.api.http.TenantResolver;
import dev.railyard.api.jobs.JobPublisher;
import dev.railyard.api.jobs.JobRequestReader;
import dev.railyard.api.jobs.JobRoutes;
import dev.railyard.api.jobs.JobStore;
import dev.railyard.api.jobs.JobView;
import dev.railyard.api.models.ModelRoutes;
import dev.railyard.config.RailyardConfig;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.validation.JobRequestValidator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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

    private final ApiSettings settings;
    private final Vertx vertx;
    private final List<Consumer<Router>> extraRoutes;
    private final KafkaProducer<byte[], byte[]> producer;
    private final HttpJson json;
    private final ErrorHandling errors;
    private final JobRoutes jobRoutes;
    private final BatchRoutes batchRoutes;
    private final ModelRoutes modelRoutes;
    private final HealthRoutes healthRoutes;
    private final MetricsRoutes metricsRoutes; // null: no /metrics
    private final HttpMetrics httpMetrics; // null: requests are not timed
    private volatile HttpServer server;

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
        this.settings = settings;
        this.vertx = vertx;
        this.extraRoutes = List.copyOf(extraRoutes);
        Clock clock = Clock.systemUTC();
        EventCodec codec = new EventCodec();
        JobRequestValidator validator = new JobRequestValidator();
        Blocking blocking = new Blocking(vertx);
        TenantResolver tenants = new TenantResolver();
        Ids ids = new Ids();
        this.producer = clients.producer("api-ingest");
        this.json = new HttpJson(codec.mapper());
        this.errors = new ErrorHandling(json, settings.maxBodyBytes());
        JobStore jobStore = new JobStore(dataSource, codec.mapper());
        JobPublisher publisher = new JobPublisher(producer, codec, clock);
        this.jobRoutes = new JobRoutes(new JobRequestReader(codec.mapper(), validator, clock), jobStore, publisher,
                new JobView(codec.mapper()), blocking, json, tenants, ids, clock);
        BatchStore batchStore = new BatchStore(dataSource);
        BatchIntake intake = new BatchIntake(new BatchInputParser(codec.mapper(), validator, BatchInputParser.MAX_LINES),
                batchStore, publisher, ids, clock);
        this.batchRoutes = new BatchRoutes(intake, batchStore, new BatchResults(dataSource, batchStore, codec.mapper()),
                jobStore, blocking, json, new JsonlStream(blocking), tenants);
        this.modelRoutes = new ModelRoutes(config, json);
        this.healthRoutes = new HealthRoutes(dataSource, producer, blocking, json, READY_TIMEOUT);
        this.metricsRoutes = metrics == null ? null : new MetricsRoutes(metrics, blocking);
        this.httpMetrics = metrics == null ? null : new HttpMetrics(metrics);
    }

    /** Binds the HTTP server; the future holds the bound port (useful with port 0). */
    public Future<Integer> start() {
        Router router = Router.router(vertx);
        if (httpMetrics != null) {
            httpMetrics.install(router);
        }
        errors.install(router);
        BodyHandler bodies = BodyHandler.create(false).setBodyLimit(settings.maxBodyBytes())
                .setMergeFormAttributes(false).setPreallocateBodyBuffer(true);
        jobRoutes.mount(router, bodies);
        batchRoutes.mount(router, bodies);
        modelRoutes.mount(router);
        healthRoutes.mount(router);
        if (metricsRoutes != null) {
            metricsRoutes.mount(router);
        }
        extraRoutes.forEach(mount -> mount.accept(router));
        HttpServer http = vertx.createHttpServer();
        return http.requestHandler(router).listen(settings.port(), settings.host()).map(bound -> {
            server = bound;
            LOG.info("api-ingest listening on {}:{}", settings.host(), bound.actualPort());
            return bound.actualPort();
        });
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
        producer.close(Context.isOnEventLoopThread() ? Duration.ZERO : CLOSE_TIMEOUT);
    }
}
