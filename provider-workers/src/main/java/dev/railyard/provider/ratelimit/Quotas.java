package dev.railyard.provider.ratelimit;

import dev.railyard.config.Deployment;
import dev.railyard.config.ProviderConfig;
import dev.railyard.config.RateLimit;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RPM/TPM quotas of deployments and provider keys, and the pauses providers ask for. A call waits
 * here until its deployment and its key both have room, so over-quota work stays queued (in the worker's
 * in-flight slots, and behind them in Kafka) instead of being sent and refused with a 429.
 *
 * <p>Per deployment, this JVM keeps one FIFO of waiting calls served by one virtual thread, so only the
 * head of the line asks the (shared) buckets; a thousand waiting jobs do not become a thousand database
 * round trips per refill. Deployments without limits and without a pause skip all of this.
 *
 * <p>Buckets refill continuously ({@code rpm} per minute) and hold at most one second of requests (five
 * seconds of tokens), starting empty: a burst after an idle spell stays small, so a provider counting in
 * fixed minute windows sees at most a few percent above its limit at a window's edge — and a provider
 * that reports its quota exhausted ({@link #pause}) holds everyone until its reset.
 */
public final class Quotas implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Quotas.class);
    private static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final BucketStore buckets;
    private final PauseBoard pauses;
    private final Clock clock;
    private final QuotaWaits waits;
    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    public Quotas(BucketStore buckets, PauseBoard pauses, Clock clock) {
        this(buckets, pauses, clock, QuotaWaits.NONE);
    }

    /** @param waits told about each call that has to wait */
    public Quotas(BucketStore buckets, PauseBoard pauses, Clock clock, QuotaWaits waits) {
        this.buckets = buckets;
        this.pauses = pauses;
        this.clock = clock;
        this.waits = waits;
    }

    /** Quotas held in this JVM only: right for a single worker process, wrong for several. */
    public static Quotas local(Clock clock) {
        return local(clock, QuotaWaits.NONE);
    }

    public static Quotas local(Clock clock, QuotaWaits waits) {
        return new Quotas(new LocalBucketStore(), new LocalPauseBoard(), clock, waits);
    }

    public static String deploymentScope(Deployment deployment) {
        return "deployment:" + deployment.id();
    }

    public static String providerScope(ProviderConfig provider) {
        return "provider:" + provider.name();
    }

    /**
     * Completes once a call of {@code tokens} tokens may start on {@code deployment}; fails with
     * {@link QuotaWaitExpired} if {@code deadline} (may be null) comes first. Completion is delivered on
     * the caller's Vert.x context, if it has one.
     */
    public Future<Permit> admit(Deployment deployment, ProviderConfig provider, long tokens, Instant deadline) {
        Permit permit = new Permit(deployment, provider, tokens);
        if (deployment.limits().unlimited() && provider.limits().unlimited()
                && !pausedUntil(deployment, provider).isAfter(clock.instant())) {
            return Future.succeededFuture(permit);
        }
        Promise<Permit> promise = Promise.promise();
        Waiter waiter = new Waiter(permit, deadline, promise, Vertx.currentContext());
        lanes.computeIfAbsent(deployment.id(), Lane::new).enqueue(waiter);
        return promise.future();
    }

    /** Corrects the tokens charged to the permit by what the provider reported using. Never blocks the caller. */
    public void settle(Permit permit, long actualTokens) {
        long delta = actualTokens - permit.tokens();
        if (delta == 0 || (permit.deployment().limits().tokensPerMinute() == 0 && permit.provider().limits().tokensPerMinute() == 0)) {
            return;
        }
        Thread.ofVirtual().name("railyard-quota-settle").start(() -> {
            try {
                for (Bucket bucket : tokenBuckets(permit)) {
                    if (delta > 0) {
                        bucket.consumeIgnoringRateLimits(delta); // used more than estimated: the next calls wait longer
                    } else {
                        bucket.addTokens(-delta);
                    }
                }
            } catch (RuntimeException e) {
                log.warn("could not correct the token quota of {} by {}: {}", permit.deployment().id(), delta, e.toString());
            }
        });
    }

    /** The provider asked every caller of this deployment to wait {@code duration}. Never blocks the caller. */
    public void pause(Deployment deployment, Duration duration, String reason) {
        pauses.pause(deploymentScope(deployment), clock.instant().plus(duration), reason);
    }

    /** Until when calls to this deployment are held, {@link Instant#EPOCH} when they are not. */
    public Instant pausedUntil(Deployment deployment, ProviderConfig provider) {
        Instant d = pauses.pausedUntil(deploymentScope(deployment));
        Instant p = pauses.pausedUntil(providerScope(provider));
        return d.isAfter(p) ? d : p;
    }

    /** Calls waiting for quota in this JVM, over all deployments. */
    public int waiting() {
        return lanes.values().stream().mapToInt(Lane::size).sum();
    }

    @Override
    public void close() {
        running = false;
        lanes.values().forEach(Lane::wake);
        pauses.close();
    }

    private record Waiter(Permit permit, Instant deadline, Promise<Permit> promise, Context context) {
        void complete() {
            deliver(() -> promise.tryComplete(permit));
        }

        void fail(RuntimeException e) {
            deliver(() -> promise.tryFail(e));
        }

        private void deliver(Runnable r) {
            if (context != null) {
                context.runOnContext(v -> r.run());
            } else {
                r.run();
            }
        }
    }

    /** The calls of one deployment waiting in this JVM, and the virtual thread that serves them in order. */
    private final class Lane {
        private final String deploymentId;
        private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
        private Thread pump;
        private Waiter announced; // the head already reported as waiting: one report per call, not per sleep

        Lane(String deploymentId) {
            this.deploymentId = deploymentId;
        }

        synchronized void enqueue(Waiter waiter) {
            queue.add(waiter);
            if (pump == null) {
                pump = Thread.ofVirtual().name("railyard-quota-" + deploymentId).start(this::serve);
            }
        }

        synchronized int size() {
            return queue.size();
        }

        synchronized void wake() {
            if (pump != null) {
                pump.interrupt();
            }
        }

        private synchronized Waiter head() {
            Waiter w = queue.peek();
            if (w == null) {
                pump = null;
            }
            return w;
        }

        private synchronized void remove(Waiter w) {
            queue.remove(w);
        }

        private void serve() {
            Waiter w;
            while ((w = head()) != null) {
                Instant now = clock.instant();
                if (!running) {
                    // Stopping: leave the waiters unanswered; their records were never committed and are redelivered.
                    synchronized (this) {
                        pump = null;
                    }
                    return;
                }
                if (w.deadline() != null && !w.deadline().isAfter(now)) {
                    remove(w);
                    w.fail(new QuotaWaitExpired(deploymentId, w.deadline()));
                    continue;
                }
                long waitNanos;
                Instant pausedUntil = pausedUntil(w.permit().deployment(), w.permit().provider());
                if (pausedUntil.isAfter(now)) {
                    waitNanos = Duration.between(now, pausedUntil).toNanos();
                } else {
                    try {
                        waitNanos = take(w.permit());
                    } catch (RuntimeException e) {
                        // The quota store is unreachable: wait and ask again rather than call unchecked.
                        log.warn("quota check for {} failed: {}", deploymentId, e.toString());
                        waitNanos = TimeUnit.SECONDS.toNanos(1);
                    }
                }
                if (waitNanos == 0) {
                    remove(w);
                    w.complete();
                    continue;
                }
                if (w != announced) {
                    announced = w;
                    waits.waiting(deploymentId, pausedUntil.isAfter(now));
                }
                try {
                    TimeUnit.NANOSECONDS.sleep(Math.min(Math.max(waitNanos, 1_000_000), MAX_SLEEP_NANOS));
                } catch (InterruptedException e) {
                    // close() woke us: the loop sees it is stopping
                }
            }
        }
    }

    /**
     * Takes the permit's request and tokens from every bucket that limits it, all or nothing.
     *
     * @return 0 when taken, else nanoseconds until the short bucket has refilled enough
     */
    private long take(Permit permit) {
        List<Charge> charges = charges(permit);
        for (int i = 0; i < charges.size(); i++) {
            Charge c = charges.get(i);
            ConsumptionProbe probe = c.bucket().tryConsumeAndReturnRemaining(c.upFront());
            if (!probe.isConsumed()) {
                for (Charge earlier : charges.subList(0, i)) {
                    earlier.bucket().addTokens(earlier.upFront());
                }
                return Math.max(1, probe.getNanosToWaitForRefill());
            }
        }
        for (Charge c : charges) {
            if (c.owed() > 0) {
                // Larger than the bucket holds: take what it holds and owe the rest, so it still runs once.
                c.bucket().consumeIgnoringRateLimits(c.owed());
            }
        }
        return 0;
    }

    /** What one bucket is charged for a call: at most its capacity now, the rest owed once all buckets agreed. */
    private record Charge(Bucket bucket, long amount, long capacity) {
        long upFront() {
            return Math.min(amount, capacity);
        }

        long owed() {
            return amount - upFront();
        }
    }

    private List<Charge> charges(Permit permit) {
        List<Charge> out = new ArrayList<>(4);
        addCharges(out, deploymentScope(permit.deployment()), permit.deployment().limits(), permit.tokens());
        addCharges(out, providerScope(permit.provider()), permit.provider().limits(), permit.tokens());
        return out;
    }

    private void addCharges(List<Charge> out, String scope, RateLimit limit, long tokens) {
        if (limit.requestsPerMinute() > 0) {
            out.add(new Charge(requestBucket(scope, limit), 1, requestCapacity(limit)));
        }
        if (limit.tokensPerMinute() > 0 && tokens > 0) {
            out.add(new Charge(tokenBucket(scope, limit), tokens, tokenCapacity(limit)));
        }
    }

    private List<Bucket> tokenBuckets(Permit permit) {
        List<Bucket> out = new ArrayList<>(2);
        if (permit.deployment().limits().tokensPerMinute() > 0) {
            out.add(tokenBucket(deploymentScope(permit.deployment()), permit.deployment().limits()));
        }
        if (permit.provider().limits().tokensPerMinute() > 0) {
            out.add(tokenBucket(providerScope(permit.provider()), permit.provider().limits()));
        }
        return out;
    }

    /** The id names the limit too, so a changed limit starts a fresh bucket. */
    private Bucket requestBucket(String scope, RateLimit limit) {
        return buckets.bucket(scope + ":rpm:" + limit.requestsPerMinute(),
                configuration(requestCapacity(limit), limit.requestsPerMinute()));
    }

    private Bucket tokenBucket(String scope, RateLimit limit) {
        return buckets.bucket(scope + ":tpm:" + limit.tokensPerMinute(),
                configuration(tokenCapacity(limit), limit.tokensPerMinute()));
    }

    static long requestCapacity(RateLimit limit) {
        return Math.max(1, limit.requestsPerMinute() / 60);
    }

    static long tokenCapacity(RateLimit limit) {
        return Math.max(1, limit.tokensPerMinute() / 12);
    }

    private static BucketConfiguration configuration(long capacity, long perMinute) {
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(perMinute, Duration.ofMinutes(1))
                        .initialTokens(0).build())
                .build();
    }
}
