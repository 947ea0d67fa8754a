package dev.railyard.api.sync;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The jobs whose synchronous callers are waiting, each with the promise of its outcome. Whoever learns a job's
 * outcome first (the results listener, or the re-read of the job's row) completes it; a job nobody waits for
 * is not tracked at all. Thread-safe.
 */
final class ResultWaiters {
    private final Map<String, CompletableFuture<Finished>> waiting = new ConcurrentHashMap<>();
    private volatile Throwable broken;

    /** Starts waiting for a job; already completed exceptionally when results can no longer be read. */
    CompletableFuture<Finished> register(String jobId) {
        CompletableFuture<Finished> promise = waiting.computeIfAbsent(jobId, id -> new CompletableFuture<>());
        Throwable cause = broken;
        if (cause != null) {
            // Checked after adding, so a waiter added while breakAll ran is failed here if not there.
            fail(jobId, cause);
        }
        return promise;
    }

    boolean waitingFor(String jobId) {
        return waiting.containsKey(jobId);
    }

    /** Hands the outcome to the job's waiter, if there still is one. */
    void finish(Finished outcome) {
        CompletableFuture<Finished> promise = waiting.remove(outcome.jobId());
        if (promise != null) {
            promise.complete(outcome);
        }
    }

    /** The caller gave up (timed out, hung up, or its job was never queued). */
    void forget(String jobId) {
        waiting.remove(jobId);
    }

    /** Results cannot be read any more: every waiter, present and future, fails with {@code cause}. */
    void breakAll(Throwable cause) {
        broken = cause;
        waiting.keySet().forEach(id -> fail(id, cause));
    }

    int size() {
        return waiting.size();
    }

    private void fail(String jobId, Throwable cause) {
        CompletableFuture<Finished> promise = waiting.remove(jobId);
        if (promise != null) {
            promise.completeExceptionally(cause);
        }
    }
}
