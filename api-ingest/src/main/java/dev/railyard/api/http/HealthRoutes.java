package dev.railyard.api.http;

import dev.railyard.schema.Topics;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.Producer;

/**
 * {@code GET /healthz} (the process answers) and {@code GET /readyz} (PostgreSQL answers a query and the
 * producer can see the submitted topic's partitions). Each readiness probe runs off the event loop with a
 * time limit; a probe still hanging is joined rather than started again, so polling a dead dependency
 * does not pile up blocked worker threads.
 */
public final class HealthRoutes {
    private final Probe database;
    private final Probe kafka;
    private final HttpJson json;

    public HealthRoutes(DataSource dataSource, Producer<byte[], byte[]> producer, Blocking blocking, HttpJson json, Duration timeout) {
        this.json = json;
        this.database = new Probe(blocking, timeout, () -> {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("select 1");
            }
            return null;
        });
        this.kafka = new Probe(blocking, timeout, () -> {
            if (producer.partitionsFor(Topics.JOBS_SUBMITTED).isEmpty()) {
                throw new IllegalStateException(Topics.JOBS_SUBMITTED + " has no partitions");
            }
            return null;
        });
    }

    public void mount(Router router) {
        router.get("/healthz").handler(ctx -> json.send(ctx, 200, Map.of("status", "ok")).onFailure(ctx::fail));
        router.get("/readyz").handler(this::ready);
    }

    private void ready(RoutingContext ctx) {
        Future<String> db = database.check();
        Future<String> broker = kafka.check();
        Future.join(db, broker).onComplete(ignored -> {
            Map<String, Object> checks = new LinkedHashMap<>();
            checks.put("database", db.result());
            checks.put("kafka", broker.result());
            boolean ready = "ok".equals(db.result()) && "ok".equals(broker.result());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", ready ? "ready" : "unavailable");
            body.put("checks", checks);
            json.send(ctx, ready ? 200 : 503, body).onFailure(ctx::fail);
        });
    }

    /** One dependency check: "ok" or what went wrong; never a failed future. */
    private static final class Probe {
        private final Blocking blocking;
        private final Duration timeout;
        private final Callable<Void> check;
        private Future<Void> running;

        Probe(Blocking blocking, Duration timeout, Callable<Void> check) {
            this.blocking = blocking;
            this.timeout = timeout;
            this.check = check;
        }

        synchronized Future<String> check() {
            if (running == null || running.isComplete()) {
                running = blocking.run(check);
            }
            return running.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .map(v -> "ok")
                    .recover(e -> Future.succeededFuture(describe(e)));
        }

        private String describe(Throwable e) {
            if (e instanceof java.util.concurrent.TimeoutException || e.getClass().getSimpleName().contains("Timeout")) {
                return "timed out after " + timeout.toMillis() + " ms";
            }
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
