package dev.railyard.provider.lanes;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The event loops a provider worker runs its jobs on: one context per lane, each on its own event loop, and each
 * lane with its own share of every provider's connections ({@code ProviderConnections}). A job runs start to finish
 * on one lane (its attempts, timers and callbacks in order, no locking), and its calls go over connections of that
 * lane's event loop, so no answer hops threads. With every job on one event loop, that one thread was the worker's
 * ceiling: 75 % of its CPU samples and about 3,200 jobs/s at 10,000 calls in flight ({@code bench/run inflight}).
 */
public final class JobLanes {
    /** Lanes a worker runs: one per core. */
    public static final int COUNT = Math.max(1, Runtime.getRuntime().availableProcessors());
    /** Key of a lane's index in its context's data. */
    private static final String LANE = "railyard.job-lane";

    private final List<Context> contexts;
    /** Jobs running on each lane: a new job goes to the least busy one. */
    private final AtomicIntegerArray running;

    private JobLanes(List<Context> contexts) {
        this.contexts = List.copyOf(contexts);
        this.running = new AtomicIntegerArray(contexts.size());
    }

    /** {@link #COUNT} lanes, on as many of {@code vertx}'s event loops (taken in turn). */
    public static JobLanes open(Vertx vertx) {
        return open(vertx, COUNT);
    }

    public static JobLanes open(Vertx vertx, int count) {
        List<Context> contexts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Context context = ((VertxInternal) vertx).createEventLoopContext();
            context.put(LANE, i);
            contexts.add(context);
        }
        return new JobLanes(contexts);
    }

    /** Takes the least busy lane for one job; {@link Lane#release()} it when the job has ended. */
    public Lane take() {
        int best = 0;
        for (int i = 1; i < contexts.size(); i++) {
            if (running.get(i) < running.get(best)) {
                best = i;
            }
        }
        running.incrementAndGet(best);
        return new Lane(best);
    }

    public int size() {
        return contexts.size();
    }

    /**
     * The index of the lane the calling code runs on, or -1 off the lanes (a test calling an adapter directly, a
     * plain thread).
     */
    public static int current() {
        Context context = Vertx.currentContext();
        return context != null && context.get(LANE) instanceof Integer i ? i : -1;
    }

    /** One job's lane. */
    public final class Lane {
        private final int index;

        private Lane(int index) {
            this.index = index;
        }

        public Context context() {
            return contexts.get(index);
        }

        /** The job has ended: call once. */
        public void release() {
            running.decrementAndGet(index);
        }
    }
}
