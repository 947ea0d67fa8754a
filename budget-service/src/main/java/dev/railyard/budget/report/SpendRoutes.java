package dev.railyard.budget.report;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/spend?group_by=model|tenant|batch|provider|deployment[&tenant=…]}: the ledger grouped, and
 * {@code GET /v1/spend/reconciliation}: the ledger checked against the results;
 * costs as exact decimal strings. {@code group_by} defaults to {@code model}. The query runs on a
 * worker thread, never on the event loop.
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
        String groupBy = ctx.request().getParam("group_by", "model");
        String tenant = ctx.request().getParam("tenant");
        if (!SpendReport.groups().contains(groupBy)) {
            respond(ctx, 400, new JsonObject().put("error", new JsonObject()
                    .put("type", "invalid_request_error")
                    .put("code", "invalid_value")
                    .put("param", "group_by")
                    .put("message", "group_by must be one of " + String.join(", ", SpendReport.groups())
                            + ", got '" + groupBy + "'")));
            return;
        }
        vertx.executeBlocking(() -> report.byGroup(groupBy, tenant), false).onComplete(ar -> {
            if (ar.failed()) {
                log.error("GET /v1/spend failed: {}", ar.cause().toString(), ar.cause());
                respond(ctx, 500, new JsonObject().put("error", new JsonObject()
                        .put("type", "server_error")
                        .put("message", "the spend ledger could not be read")));
                return;
            }
            respond(ctx, 200, body(groupBy, tenant, ar.result()));
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

    static JsonObject body(String groupBy, String tenant, List<SpendRow> rows) {
        JsonArray data = new JsonArray();
        BigDecimal total = BigDecimal.ZERO.setScale(SpendReport.COST_SCALE);
        for (SpendRow row : rows) {
            data.add(new JsonObject()
                    .put("key", row.key())
                    .put("entries", row.entries())
                    .put("prompt_tokens", row.promptTokens())
                    .put("completion_tokens", row.completionTokens())
                    .put("cost", row.cost().toPlainString()));
            total = total.add(row.cost());
        }
        JsonObject body = new JsonObject().put("object", "list").put("group_by", groupBy);
        if (tenant != null) {
            body.put("tenant", tenant);
        }
        return body.put("data", data).put("total_cost", total.toPlainString());
    }

    private static void respond(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }
}
