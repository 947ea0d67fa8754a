package dev.railyard.router.budget;

import dev.railyard.config.BudgetSpec;
import dev.railyard.kafka.Sends;
import dev.railyard.schema.DispatchRecords;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Headers;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.BudgetState;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.event.RailyardEvent;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets held jobs go ({@code budget_deferrals}, written by {@link SqlReservations} for {@code defer} budgets). Every
 * {@code interval} it
 * <ul>
 *   <li>ends each held job whose deadline has passed as {@code expired}, and</li>
 *   <li>publishes the submitted record of each held job again to {@code railyard.jobs.submitted} (same key, value
 *       and tenant header) when its budget's window has moved on, its limit is higher than when the job was held,
 *       the budget is gone or no longer {@code defer}, or the latest published state of the window shows room for
 *       it (then only as many as fit, oldest first, only jobs held before that state was published, and each
 *       published state is used once: it does not count the jobs released on it).</li>
 * </ul>
 * The router then routes a released job like any other: it reserves again, and may be held again. Rows are taken
 * with {@code for update skip locked} and deleted in the transaction that is committed only after Kafka has
 * acknowledged the records, so several routers never release one job twice, and a failed send keeps it held.
 */
public final class DeferralRelease implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeferralRelease.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);

    private final DeferralStore store;
    private final BudgetBook budgets;
    private final Producer<byte[], byte[]> producer;
    private final Clock clock;
    private final Duration interval;
    private final EventCodec codec = new EventCodec();
    private final AtomicLong held = new AtomicLong();
    /** Per budget, the state this instance last released by room on: each published state frees room once. */
    private final Map<String, Instant> roomUsed = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    /** @param interval how often held jobs are looked at (tests use a few milliseconds) */
    public DeferralRelease(DeferralStore store, BudgetBook budgets, Producer<byte[], byte[]> producer, Clock clock,
                           Duration interval) {
        this.store = store;
        this.budgets = budgets;
        this.producer = producer;
        this.clock = clock;
        this.interval = interval;
    }

    public synchronized DeferralRelease start() {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("railyard-deferral-release").factory());
            timer.scheduleWithFixedDelay(this::runOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private void runOnce() {
        try {
            pass();
        } catch (SQLException | RuntimeException e) {
            // Held jobs stay held (nothing was deleted); the next pass tries again.
            log.warn("releasing held jobs failed: {}", e.toString());
        }
    }

    /** How many jobs were held at the end of the last pass (the {@code railyard.budget.deferred.jobs} gauge). */
    public long held() {
        return held.get();
    }

    /**
     * One pass: expires, then releases what is due.
     *
     * @return how many held jobs were expired or released
     */
    public int pass() throws SQLException {
        Instant now = clock.instant();
        int done = 0;
        List<DeferralStore.Held> batch;
        do {
            batch = store.takeExpired(now, rows -> publishAll(rows.stream().map(h -> expired(h, now)).toList()));
            batch.forEach(h -> log.info("job {} expired while held by budget '{}'", h.jobId(), h.budgetId()));
            done += batch.size();
        } while (batch.size() == DeferralStore.BATCH);
        for (DeferralStore.Group g : store.groups()) {
            Optional<String> why = releaseAll(g, now);
            if (why.isEmpty()) {
                done += releaseByRoom(g);
                continue;
            }
            do {
                batch = store.take(g, null, null, rows -> publishAll(rows.stream().map(this::resubmit).toList()));
                if (!batch.isEmpty()) {
                    log.info("released {} jobs held by budget '{}': {}", batch.size(), g.budgetId(), why.get());
                }
                done += batch.size();
            } while (batch.size() == DeferralStore.BATCH);
        }
        held.set(store.count());
        return done;
    }

    /** Why every job of the group can go now, if it can. */
    private Optional<String> releaseAll(DeferralStore.Group g, Instant now) {
        Optional<BudgetSpec> spec = budgets.budget(g.budgetId());
        if (spec.isEmpty()) {
            return Optional.of("the budget no longer exists");
        }
        BudgetSpec b = spec.get();
        if (!b.defers()) {
            return Optional.of("the budget's action is now " + b.action().code());
        }
        if (b.period().windowStart(now).isAfter(g.windowStart())) {
            return Optional.of("its window reset");
        }
        if (b.limitUsd().compareTo(g.limitAtDeferral()) > 0) {
            return Optional.of("its limit was raised to $" + b.limitUsd().toPlainString());
        }
        return Optional.empty();
    }

    /** Releases the oldest jobs that fit in the room the budget's latest published state shows in their window. */
    private int releaseByRoom(DeferralStore.Group g) throws SQLException {
        Optional<BudgetState> state = budgets.state(g.budgetId());
        Optional<BudgetSpec> spec = budgets.budget(g.budgetId());
        if (state.isEmpty() || spec.isEmpty() || state.get().windowStart() == null || state.get().updatedAt() == null
                || !state.get().windowStart().equals(g.windowStart()) || state.get().spent() == null || state.get().reserved() == null) {
            return 0;
        }
        Instant used = roomUsed.get(g.budgetId());
        if (used != null && !state.get().updatedAt().isAfter(used)) {
            return 0; // the state does not count the jobs released on it and reserved since: wait for a newer one
        }
        BigDecimal room = spec.get().limitUsd().subtract(state.get().spent()).subtract(state.get().reserved());
        if (room.signum() <= 0) {
            return 0;
        }
        List<DeferralStore.Held> released = store.take(g, state.get().updatedAt(), room,
                rows -> publishAll(rows.stream().map(this::resubmit).toList()));
        roomUsed.put(g.budgetId(), state.get().updatedAt());
        if (!released.isEmpty()) {
            log.info("released {} jobs held by budget '{}': its window has room again", released.size(), g.budgetId());
        }
        return released.size();
    }

    /** The held job's submitted record as it was consumed: same key and value, the tenant and priority headers, its id. */
    private ProducerRecord<byte[], byte[]> resubmit(DeferralStore.Held h) {
        JobSubmitted job = codec.decode(h.job(), JobSubmitted.class);
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(Topics.JOBS_SUBMITTED, null, h.recordKey(), h.job());
        DispatchRecords.headers(h.tenant(), job.priority()).forEach(out.headers()::add);
        out.headers().add(Headers.JOB_ID, h.jobId().getBytes(StandardCharsets.UTF_8));
        return out;
    }

    /** The same expired result the router publishes for a job whose deadline passed before routing. */
    private ProducerRecord<byte[], byte[]> expired(DeferralStore.Held h, Instant now) {
        JobSubmitted job = codec.decode(h.job(), JobSubmitted.class);
        String model = job.model() != null ? job.model()
                : job.body() != null && job.body().path("model").isTextual() ? job.body().path("model").asText() : null;
        JobError error = JobError.of(ErrorType.TIMEOUT, "deferred by budget '" + h.budgetId() + "' until its deadline "
                + job.deadline() + " passed");
        JobResult result = new JobResult(RailyardEvent.CURRENT_SCHEMA_VERSION, UUID.randomUUID().toString(), job.jobId(), now,
                h.tenant(), job.batchId(), job.customId(), job.endpoint(), Outcome.EXPIRED, model, null, null, Usage.NONE,
                BigDecimal.ZERO, 0, null, List.of(), error);
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(Topics.JOBS_RESULTS, null,
                job.jobId().getBytes(StandardCharsets.UTF_8), codec.encode(result));
        if (h.tenant() != null) {
            out.headers().add(Headers.TENANT, h.tenant().getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Sends every record and waits until Kafka acknowledged them all; throws when any failed (the rows stay held). */
    private void publishAll(List<ProducerRecord<byte[], byte[]>> records) {
        List<CompletableFuture<?>> sends = new ArrayList<>(records.size());
        records.forEach(r -> sends.add(Sends.send(producer, r)));
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                .orTimeout(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdown();
            try {
                if (!timer.awaitTermination(SEND_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS)) {
                    timer.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
