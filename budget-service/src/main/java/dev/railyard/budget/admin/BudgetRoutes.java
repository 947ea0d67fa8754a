package dev.railyard.budget.admin;

import dev.railyard.budget.report.BudgetStatus;
import dev.railyard.budget.report.CallerTenant;
import dev.railyard.config.BudgetSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The budgets API (docs/budgets.md): {@code GET /v1/budgets} lists every budget's current window; {@code POST /v1/budgets},
 * {@code GET|PATCH|DELETE /v1/budgets/{id}} manage them. Amounts are exact decimal strings. Calls run on worker threads,
 * never on the event loop. Behind api-ingest, changing budgets needs the admin scope, and a caller without it sees only
 * the budgets scoped to its own tenant ({@link CallerTenant}); mounted without api-ingest's auth, the caller is trusted.
 */
public final class BudgetRoutes {
    private static final Logger log = LoggerFactory.getLogger(BudgetRoutes.class);
    private static final long MAX_BODY_BYTES = 64 * 1024;

    private final Supplier<BudgetAdmin> admin;
    private final Vertx vertx;

    /** @param admin the admin of the running budget service (looked up per request: the service may be restarted) */
    public BudgetRoutes(Supplier<BudgetAdmin> admin, Vertx vertx) {
        this.admin = admin;
        this.vertx = vertx;
    }

    public void install(Router router) {
        BodyHandler bodies = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
        router.get("/v1/budgets").handler(ctx -> {
            String own = CallerTenant.restriction(ctx);
            answer(ctx, 200, () -> list(admin.get().list().stream().filter(s -> visible(s, own)).toList()));
        });
        router.post("/v1/budgets").handler(bodies).handler(ctx ->
                answer(ctx, 201, () -> budget(admin.get().create(body(ctx)))));
        router.get("/v1/budgets/:id").handler(ctx -> {
            String own = CallerTenant.restriction(ctx);
            answer(ctx, 200, () -> {
                BudgetStatus status = admin.get().get(ctx.pathParam("id"));
                if (!visible(status, own)) {
                    throw new BudgetRequestException(404, "budget_not_found", null, "no budget with id '" + ctx.pathParam("id") + "'");
                }
                return budget(status);
            });
        });
        router.patch("/v1/budgets/:id").handler(bodies).handler(ctx ->
                answer(ctx, 200, () -> budget(admin.get().update(ctx.pathParam("id"), body(ctx)))));
        router.delete("/v1/budgets/:id").handler(ctx -> answer(ctx, 200, () -> {
            String id = ctx.pathParam("id");
            admin.get().delete(id);
            return new JsonObject().put("id", id).put("object", "budget.deleted").put("deleted", true);
        }));
    }

    /** @param tenant the only tenant the caller may see, or null for all */
    static boolean visible(BudgetStatus status, String tenant) {
        return tenant == null || status.spec().scope() == BudgetSpec.Scope.TENANT && tenant.equals(status.spec().scopeValue());
    }

    private static byte[] body(RoutingContext ctx) {
        return ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    }

    private void answer(RoutingContext ctx, int status, Callable<JsonObject> call) {
        Future<JsonObject> result = vertx.executeBlocking(call, false);
        result.onComplete(ar -> {
            if (ar.succeeded()) {
                respond(ctx, status, ar.result());
            } else if (ar.cause() instanceof BudgetRequestException e) {
                respond(ctx, e.status(), error(e));
            } else {
                log.error("{} {} failed: {}", ctx.request().method(), ctx.request().path(), ar.cause().toString(), ar.cause());
                respond(ctx, 500, new JsonObject().put("error", new JsonObject()
                        .put("type", "server_error")
                        .put("code", "internal_error")
                        .put("message", "the budgets could not be read or changed")));
            }
        });
    }

    static JsonObject error(BudgetRequestException e) {
        return new JsonObject().put("error", new JsonObject()
                .put("type", e.status() >= 500 ? "server_error" : "invalid_request_error")
                .put("code", e.code())
                .put("param", e.param())
                .put("message", e.getMessage()));
    }

    static JsonObject list(List<BudgetStatus> budgets) {
        JsonArray data = new JsonArray();
        budgets.forEach(s -> data.add(budget(s)));
        return new JsonObject().put("object", "list").put("data", data);
    }

    static JsonObject budget(BudgetStatus s) {
        BudgetSpec b = s.spec();
        return new JsonObject()
                .put("id", b.id())
                .put("source", s.budget().source().code())
                .put("scope", b.scope().code())
                .put("scope_value", b.scopeValue())
                .put("period", b.period().code())
                .put("action", b.action().code())
                .put("limit", b.limitUsd().toPlainString())
                .put("spent", s.spent().toPlainString())
                .put("reserved", s.reserved().toPlainString())
                .put("remaining", s.remaining().toPlainString())
                .put("window_start", s.windowStart().toString())
                .put("resets_at", s.resetsAt() == null ? null : s.resetsAt().toString())
                .put("alert_at", new JsonArray(List.copyOf(b.alertAt())))
                .put("alert_webhook", b.alertWebhook())
                .put("alerts_fired", new JsonArray(List.copyOf(s.alertsFired())));
    }

    private static void respond(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }
}
