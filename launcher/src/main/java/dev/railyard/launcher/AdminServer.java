package dev.railyard.launcher;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A service process's operations port: {@code GET /metrics} (Prometheus), {@code /health/live} (the process
 * runs) and {@code /health/ready} (200 while the service takes work, 503 before it started and from the
 * moment it is asked to stop, so load balancers and Kubernetes stop sending work before it drains).
 */
final class AdminServer implements AutoCloseable {
    private final Vertx vertx;
    private final PrometheusMeterRegistry registry;
    private final AtomicBoolean ready = new AtomicBoolean();
    private HttpServer server;

    AdminServer(Vertx vertx, PrometheusMeterRegistry registry) {
        this.vertx = vertx;
        this.registry = registry;
    }

    /** Listens on {@code port} (0: any free port) and returns the port bound. */
    int start(String host, int port) {
        HttpServer http = vertx.createHttpServer().requestHandler(request -> {
            var response = request.response();
            switch (request.path()) {
                case "/metrics" -> {
                    // Scraping walks every meter: off the event loop.
                    vertx.executeBlocking(registry::scrape).onComplete(scraped -> {
                        if (scraped.succeeded()) {
                            response.putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(scraped.result());
                        } else {
                            response.setStatusCode(500).end();
                        }
                    });
                }
                case "/health/live" -> json(response, 200, "{\"status\":\"live\"}");
                case "/health/ready" -> {
                    if (ready.get()) {
                        json(response, 200, "{\"status\":\"ready\"}");
                    } else {
                        json(response, 503, "{\"status\":\"not_ready\"}");
                    }
                }
                default -> json(response, 404, "{\"error\":{\"type\":\"not_found\",\"message\":\"no such path\"}}");
            }
        });
        try {
            server = http.listen(port, host).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on admin port " + port + ": " + e.getMessage(), e);
        }
        return server.actualPort();
    }

    private static void json(io.vertx.core.http.HttpServerResponse response, int status, String body) {
        response.setStatusCode(status).putHeader("content-type", "application/json").end(body);
    }

    void ready(boolean value) {
        ready.set(value);
    }

    boolean ready() {
        return ready.get();
    }

    @Override
    public void close() {
        if (server != null) {
            try {
                server.close().await(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // closing anyway
            }
        }
    }
}
