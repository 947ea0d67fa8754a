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
 * {@code GET /v1/budgets}: every configured budget's current window — limit, spent, reserved, remaining
 * (exact decimal strings), window start and reset time (null for a {@code total} budget). The query runs
 * on a worker thread, never on the event loop.
 */
public final class BudgetRoutes {
    private static final Logger log = LoggerFactory.getLogger(BudgetRoutes.class);

    private final BudgetReport report;
    private final Vertx vertx;

    public BudgetRoutes(BudgetReport report, Vertx vertx) {
        this.report = report;
        this.vertx = vertx;
    }

    public void install(Router router) {
        router.get("/v1/budgets").handler(this::budgets);
    }

    private void budgets(RoutingContext ctx) {
        vertx.executeBlocking(report::current, false).onComplete(ar -> {
            if (ar.failed()) {
                log.error("GET /v1/budgets failed: {}", ar.cause().toString(), ar.cause());
                respond(ctx, 500, new JsonObject().put("error", new JsonObject()
                        .put("type", "server_error")
                        .put("message", "the budget windows could not be read")));
                return;
            }
            respond(ctx, 200, body(ar.result()));
        });
    }

    static JsonObject body(List<BudgetStatus> budgets) {
        JsonArray data = new JsonArray();
        for (BudgetStatus s : budgets) {
            data.add(new JsonObject()
                    .put("id", s.budget().id())
                    .put("scope", s.budget().scope().code())
                    .put("scope_value", s.budget().scopeValue())
                    .put("period", s.budget().period().code())
                    .put("action", s.budget().action().code())
                    .put("limit", s.budget().limitUsd().toPlainString())
                    .put("spent", s.spent().toPlainString())
                    .put("reserved", s.reserved().toPlainString())
                    .put("remaining", s.remaining().toPlainString())
                    .put("window_start", s.windowStart().toString())
                    .put("resets_at", s.resetsAt() == null ? null : s.resetsAt().toString()));
        }
        return new JsonObject().put("object", "list").put("data", data);
    }

    private static void respond(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }
}
