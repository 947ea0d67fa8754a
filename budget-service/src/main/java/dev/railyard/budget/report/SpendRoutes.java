package dev.railyard.budget.report;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/spend?group_by=d1,d2…[&bucket=hour|day|week|month][&from=…][&to=…][&tenant=…]}: the ledger
 * grouped by one or more {@link SpendDimension}s, optionally in UTC time buckets, and
 * {@code GET /v1/spend/reconciliation}: the ledger checked against the results; costs as exact decimal
 * strings. {@code group_by} defaults to {@code model}; a bad parameter is a 400 naming it. A caller without the admin
 * scope sees only its own tenant's spend ({@link CallerTenant}); asking for another tenant's is a 403. The queries run
 * on a worker thread, never on the event loop.
 */
public final class SpendRoutes {
    private static final Logger log = LoggerFactory.getLogger(SpendRoutes.class);

    private final SpendReport report;
    private final Vertx vertx;

    public SpendRoutes(SpendReport report, Vertx vertx) {
        this.report = report;
        this.vertx = vertx;
    }

    public void install(Router router) {
        router.get("/v1/spend/reconciliation").handler(this::reconciliation);
        router.get("/v1/spend").handler(this::spend);
    }

    private void spend(RoutingContext ctx) {
        String tenant = ctx.request().getParam("tenant");
        String own = CallerTenant.restriction(ctx);
        if (own != null && tenant != null && !tenant.equals(own)) {
            respond(ctx, 403, new JsonObject().put("error", new JsonObject()
                    .put("type", "invalid_request_error")
                    .put("code", "insufficient_scope")
                    .put("param", "tenant")
                    .put("message", "reading another tenant's spend needs the 'admin' scope")));
            return;
        }
        SpendQuery query;
        try {
            query = SpendQuery.parse(ctx.request().getParam("group_by"), ctx.request().getParam("bucket"),
                    ctx.request().getParam("from"), ctx.request().getParam("to"), own != null ? own : tenant);
        } catch (SpendQuery.Invalid e) {
            respond(ctx, 400, new JsonObject().put("error", new JsonObject()
                    .put("type", "invalid_request_error")
                    .put("code", "invalid_value")
                    .put("param", e.param())
                    .put("message", e.getMessage())));
            return;
        }
        vertx.executeBlocking(() -> report.query(query), false).onComplete(ar -> {
            if (ar.failed()) {
                log.error("GET /v1/spend failed: {}", ar.cause().toString(), ar.cause());
                respond(ctx, 500, new JsonObject().put("error", new JsonObject()
                        .put("type", "server_error")
                        .put("message", "the spend ledger could not be read")));
                return;
            }
            respond(ctx, 200, body(query, ar.result()));
        });
    }

    /** {@code GET /v1/spend/reconciliation[?tenant=…]}: the ledger against the results, job by job. */
    private void reconciliation(RoutingContext ctx) {
        String tenant = ctx.request().getParam("tenant");
        vertx.executeBlocking(() -> report.reconcile(tenant), false).onComplete(ar -> {
            if (ar.failed()) {
                log.error("GET /v1/spend/reconciliation failed: {}", ar.cause().toString(), ar.cause());
                respond(ctx, 500, new JsonObject().put("error", new JsonObject()
                        .put("type", "server_error")
                        .put("message", "the spend ledger could not be read")));
                return;
            }
            respond(ctx, 200, body(ar.result()));
        });
    }

    static JsonObject body(Reconciliation r) {
        return new JsonObject()
                .put("object", "spend.reconciliation")
                .put("balanced", r.balanced())
                .put("ledger_total", r.ledgerTotal().toPlainString())
                .put("results_total", r.resultsTotal().toPlainString())
                .put("ledger_entries", r.ledgerEntries())
                .put("jobs_checked", r.jobsChecked())
                .put("mismatched_jobs", r.mismatchedJobs())
                .put("sample_mismatched", new JsonArray(List.copyOf(r.sampleMismatched())));
    }

    static JsonObject body(SpendQuery query, SpendReport.Table table) {
        JsonArray groupBy = new JsonArray();
        query.groupBy().forEach(d -> groupBy.add(d.code()));
        JsonArray data = new JsonArray();
        for (SpendRow row : table.rows()) {
            JsonObject o = new JsonObject();
            if (query.bucket() != null) {
                o.put("bucket_start", row.bucketStart().toString());
            }
            for (int i = 0; i < query.groupBy().size(); i++) {
                o.put(query.groupBy().get(i).code(), row.groups().get(i));
            }
            data.add(o.put("entries", row.entries())
                    .put("prompt_tokens", row.promptTokens())
                    .put("completion_tokens", row.completionTokens())
                    .put("cost", row.cost().toPlainString())
                    .put("estimated_entries", row.estimatedEntries()));
        }
        JsonObject body = new JsonObject().put("object", "list").put("group_by", groupBy)
                .put("bucket", query.bucket() == null ? null : query.bucket().code());
        if (query.from() != null) {
            body.put("from", query.from().toString());
        }
        if (query.to() != null) {
            body.put("to", query.to().toString());
        }
        if (query.tenant() != null) {
            body.put("tenant", query.tenant());
        }
        return body.put("data", data).put("total_cost", table.totalCost().toPlainString());
    }

    private static void respond(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }
}
