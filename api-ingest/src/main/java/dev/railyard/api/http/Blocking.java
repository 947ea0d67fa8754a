package dev.railyard.api.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;

/**
 * Runs JDBC and other blocking work on Vert.x worker threads and brings results back to the caller's
 * event loop. Unordered: requests are independent, and ordered execution would serialise every
 * blocking call made from one event loop.
 */
public final class Blocking {
    private final Vertx vertx;

    public Blocking(Vertx vertx) {
        this.vertx = vertx;
    }

    public <T> Future<T> run(Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }

    /** A future completed from another thread (a Kafka callback), observed on the caller's context. */
    public <T> Future<T> await(CompletionStage<T> stage) {
        Context context = vertx.getOrCreateContext();
        return Future.fromCompletionStage(stage, context);
    }
}
