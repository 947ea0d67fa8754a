package dev.railyard.api.sync;

import dev.railyard.api.http.Blocking;
import dev.railyard.api.jobs.JobStore;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.event.JobState;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where synchronous callers wait for their job's outcome: the {@link ResultListener} of this instance feeds the
 * {@link ResultWaiters}, and a waiter also re-reads its job's row once, for an outcome that was recorded before
 * anybody listened for it.
 */
public final class SyncResults implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final ResultWaiters waiters;
    private final ResultListener listener;
    private final JobStore store;
    private final Blocking blocking;
    private final EventCodec codec;

    public SyncResults(KafkaClients clients, EventCodec codec, JobStore store, Blocking blocking) {
        this(new ResultWaiters(), clients, codec, store, blocking);
    }

    private SyncResults(ResultWaiters waiters, KafkaClients clients, EventCodec codec, JobStore store, Blocking blocking) {
        this.waiters = waiters;
        this.listener = new ResultListener(clients, waiters, codec);
        this.store = store;
        this.blocking = blocking;
        this.codec = codec;
    }

    /** Starts listening; complete once results published from now on are sure to be seen. */
    public Future<Void> start() {
        return blocking.run(() -> {
            listener.start(START_TIMEOUT);
            return null;
        });
    }

    /** How many callers are waiting now. */
    public int waiting() {
        return waiters.size();
    }

    /** Starts waiting for a job; register before the job is published, so its result cannot come first. */
    CompletableFuture<Finished> register(String jobId) {
        return waiters.register(jobId);
    }

    void forget(String jobId) {
        waiters.forget(jobId);
    }

    /**
     * The job's outcome, from its result or its row; fails with a {@link java.util.concurrent.TimeoutException}
     * after {@code wait}, when the caller stops waiting (the job goes on).
     */
    Future<Finished> await(String tenant, String jobId, CompletableFuture<Finished> registered, Duration wait) {
        blocking.run(() -> store.find(tenant, jobId)).onSuccess(row -> row
                .filter(r -> JobState.terminal(r.state()))
                .ifPresent(r -> waiters.finish(Finished.of(r, codec.mapper()))));
        // A failed re-read changes nothing: the listener still delivers the result.
        return blocking.await(registered)
                .timeout(wait.toMillis(), TimeUnit.MILLISECONDS)
                .onFailure(e -> waiters.forget(jobId));
    }

    @Override
    public void close() {
        listener.close();
    }
}
