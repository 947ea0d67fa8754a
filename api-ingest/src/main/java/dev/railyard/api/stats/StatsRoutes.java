package dev.railyard.api.stats;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.api.http.Blocking;
import dev.railyard.api.http.HttpJson;
import dev.railyard.api.http.TenantResolver;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /v1/stats?window=&step=[&tenant=]}: throughput (jobs submitted and finished), latency p50/p95 and spend
 * per time bucket, for the console's live charts. Read from the jobs table on a worker thread.
 */
public final class StatsRoutes {
    private final StatsStore store;
    private final Blocking blocking;
    private final HttpJson json;
    private final TenantResolver tenants;
    private final Clock clock;

    public StatsRoutes(StatsStore store, Blocking blocking, HttpJson json, TenantResolver tenants, Clock clock) {
        this.store = store;
        this.blocking = blocking;
        this.json = json;
        this.tenants = tenants;
        this.clock = clock;
    }

    public void mount(Router router) {
        router.get("/v1/stats").handler(this::stats);
    }

    private void stats(RoutingContext ctx) {
        StatsQuery query = StatsQuery.parse(tenants.readable(ctx, ctx.request().getParam("tenant")), ctx.request()::getParam);
        Instant now = clock.instant();
        blocking.run(() -> store.series(query, now))
                .compose(series -> json.send(ctx, 200, body(query, now, series)))
                .onFailure(ctx::fail);
    }

    ObjectNode body(StatsQuery query, Instant now, List<StatsBucket> series) {
        ObjectNode body = json.mapper().createObjectNode()
                .put("object", "stats")
                .put("tenant", query.tenant())
                .put("from", query.from(now).toString())
                .put("to", query.to(now).toString())
                .put("step_seconds", query.step());
        ArrayNode data = body.putArray("data");
        for (StatsBucket b : series) {
            ObjectNode row = data.addObject()
                    .put("start", b.start().toString())
                    .put("submitted", b.submitted())
                    .put("finished", b.finished())
                    .put("succeeded", b.succeeded())
                    .put("failed", b.failed());
            if (b.latencyP50Ms() != null) {
                row.put("latency_p50_ms", b.latencyP50Ms());
                row.put("latency_p95_ms", b.latencyP95Ms());
            }
            row.put("cost", plain(b.cost()));
            row.put("tokens", b.tokens());
        }
        return body;
    }

    /** Exact and short, as a job's cost is shown. */
    static String plain(BigDecimal cost) {
        return cost.signum() == 0 ? "0" : cost.stripTrailingZeros().toPlainString();
    }
}
