package dev.railyard.api.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /metrics}: every meter of the registry in the Prometheus text format (0.0.4), for a scraper.
 * The scrape reads every gauge, and a gauge may call into code that is not ours to vet (a pool's counts,
 * a view's merge), so it runs off the event loop.
 */
public final class MetricsRoutes {
    /** What {@link PrometheusMeterRegistry#scrape()} writes. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final Blocking blocking;

    public MetricsRoutes(PrometheusMeterRegistry registry, Blocking blocking) {
        this.registry = registry;
        this.blocking = blocking;
    }

    public void mount(Router router) {
        router.get("/metrics").handler(this::scrape);
    }

    private void scrape(RoutingContext ctx) {
        blocking.run(registry::scrape)
                .onSuccess(text -> ctx.response().putHeader("content-type", CONTENT_TYPE).end(text))
                .onFailure(ctx::fail);
    }
}
