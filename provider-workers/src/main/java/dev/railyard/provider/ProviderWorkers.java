package dev.railyard.provider;

import dev.railyard.config.ProviderConfig;
import dev.railyard.config.RailyardConfig;
import dev.railyard.kafka.ConcurrentLoop;
import dev.railyard.kafka.DeadLetters;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import dev.railyard.schema.db.BatchCancellations;
import dev.railyard.schema.db.CancelledBatches;
import dev.railyard.provider.delay.DelayLine;
import dev.railyard.provider.lanes.JobLanes;
import dev.railyard.provider.metrics.ProviderMeters;
import dev.railyard.provider.ratelimit.PostgresBucketStore;
import dev.railyard.provider.ratelimit.PostgresPauseBoard;
import dev.railyard.provider.ratelimit.Quotas;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The provider workers of one process: per provider, one consumer loop on
 * {@code railyard.dispatch.<provider>} (group {@code railyard-provider-<provider>}) with up to the
 * provider's {@code max_in_flight} calls at once; one producer shared by all for results and dead letters.
 */
public final class ProviderWorkers implements AutoCloseable {
    /** The group of the delay tiers' consumer, which puts parked retries back on their dispatch topics. */
    public static final String DELAY_LINE_GROUP = "railyard-delay-line";
    private static final int MAX_POLL_RECORDS = 500;
    private static final Duration PAUSE_REFRESH = Duration.ofMillis(250);
    private static final Duration CANCELLATIONS_REFRESH = Duration.ofSeconds(1);

    private final RailyardConfig config;
    private final KafkaClients clients;
    private final Vertx vertx;
    private final DataSource dataSource;
    private final ProviderMeters meters;
    private final List<ConcurrentLoop> loops = new ArrayList<>();
    private final Map<String, ProviderAdapter> adapters = new LinkedHashMap<>();
    private volatile boolean running;
    private KafkaProducer<byte[], byte[]> producer;
    private Quotas quotas;
    private DelayLine delayLine;
    private CancelledBatches cancelled; // null without a database: batch cancellation is not enforced here

    /**
     * @param dataSource where RPM/TPM buckets and provider pauses are shared with every other worker
     *                   instance; null keeps them in this JVM (right only when it is the sole worker)
     * @param registry   where calls, tokens, retries, fallbacks and quota waits are recorded (docs/metrics.md)
     */
    public ProviderWorkers(RailyardConfig config, KafkaClients clients, Vertx vertx, DataSource dataSource,
                           MeterRegistry registry) {
        this.config = config;
        this.clients = clients;
        this.vertx = vertx;
        this.dataSource = dataSource;
        this.meters = new ProviderMeters(registry);
    }

    /** Workers recording no meters. */
    public ProviderWorkers(RailyardConfig config, KafkaClients clients, Vertx vertx, DataSource dataSource) {
        this(config, clients, vertx, dataSource, new CompositeMeterRegistry());
    }

    /** The consumer group of one provider's dispatch topic (KEDA's ScaledObjects in deploy/k8s name it too). */
    public static String consumerGroup(String provider) {
        return "railyard-provider-" + provider;
    }

    /** Workers whose rate limits hold for this JVM only. */
    public ProviderWorkers(RailyardConfig config, KafkaClients clients, Vertx vertx) {
        this(config, clients, vertx, null);
    }

    /** Starts consuming. Blocks briefly (producer metadata), so call it from a plain thread. */
    public synchronized void start() {
        if (running) {
            throw new IllegalStateException("provider workers already started");
        }
        running = true;
        producer = clients.producer("provider-workers");
        // Fetch topic metadata now, so the first send on an event loop does not wait for it.
        producer.partitionsFor(Topics.JOBS_RESULTS);
        producer.partitionsFor(Topics.JOBS_DEAD_LETTER);
        EventCodec codec = new EventCodec();
        DeadLetters deadLetters = new DeadLetters(producer);
        ProviderAdapters families = new ProviderAdapters(vertx, codec.mapper(), Clock.systemUTC());
        for (ProviderConfig provider : config.providers().values()) {
            adapters.put(provider.name(), families.create(provider));
        }
        quotas = dataSource == null ? Quotas.local(Clock.systemUTC(), meters::rateLimitWait)
                : new Quotas(new PostgresBucketStore(dataSource), new PostgresPauseBoard(dataSource, PAUSE_REFRESH), Clock.systemUTC(),
                        meters::rateLimitWait);
        AttemptLoop attempts = new AttemptLoop(vertx, config.retry(), () -> ThreadLocalRandom.current().nextDouble(),
                () -> running, Clock.systemUTC(), quotas, meters);
        cancelled = dataSource == null ? null : new CancelledBatches(dataSource, CANCELLATIONS_REFRESH).start();
        DispatchHandler handler = new DispatchHandler(config, adapters, attempts, producer, deadLetters, codec, vertx,
                Clock.systemUTC(), cancelled == null ? BatchCancellations.none() : cancelled, meters, clients.tracing(),
                JobLanes.open(vertx));
        delayLine = new DelayLine(clients.consumer(DELAY_LINE_GROUP, MAX_POLL_RECORDS), producer, deadLetters,
                Clock.systemUTC()).start();
        for (ProviderConfig provider : config.providers().values()) {
            var consumer = clients.consumer(consumerGroup(provider.name()),
                    Math.min(MAX_POLL_RECORDS, provider.maxInFlight()));
            loops.add(new ConcurrentLoop("provider-worker-" + provider.name(), consumer,
                    List.of(Topics.dispatch(provider.name())), handler, deadLetters, provider.maxInFlight()).start());
        }
    }

    /** Calls waiting for their deployment's or provider key's quota in this JVM. */
    public int waitingForQuota() {
        return quotas == null ? 0 : quotas.waiting();
    }

    /** Records being worked on (calls in flight, waiting for quota or to retry), over all providers. */
    public int inFlight() {
        return loops.stream().mapToInt(ConcurrentLoop::inFlight).sum();
    }

    /** Graceful: stop fetching, let in-flight jobs finish (bounded), commit, then close the producer. */
    @Override
    public synchronized void close() {
        loops.forEach(ConcurrentLoop::close);
        if (delayLine != null) {
            delayLine.close();
        }
        running = false;
        if (producer != null) {
            producer.close();
        }
        if (quotas != null) {
            quotas.close();
        }
        adapters.values().forEach(ProviderAdapter::close);
        loops.clear();
        if (cancelled != null) {
            cancelled.close();
        }
    }

    /** A crash, for tests of redelivery: stop at once, commit nothing more, start no further attempts. */
    public synchronized void halt() {
        running = false;
        loops.forEach(ConcurrentLoop::halt);
        if (delayLine != null) {
            delayLine.close();
        }
        if (producer != null) {
            producer.close(Duration.ZERO);
        }
        if (quotas != null) {
            quotas.close();
        }
        adapters.values().forEach(ProviderAdapter::close);
        loops.clear();
        if (cancelled != null) {
            cancelled.close();
        }
    }
}
