package dev.railyard.api.webhooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.railyard.api.auth.Caller;
import dev.railyard.api.http.ApiException;
import dev.railyard.api.http.Blocking;
import dev.railyard.api.http.HttpJson;
import dev.railyard.api.http.TenantResolver;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The delivery log and the signing secret, scoped to the caller's tenant: {@code GET /v1/webhooks/events}
 * ({@code ?job_id=}, {@code ?batch_id=}, {@code limit}, {@code after}), {@code GET /v1/webhooks/events/{id}},
 * {@code POST /v1/webhooks/events/{id}/retry} and {@code GET /v1/webhooks/secret[?tenant=]} (admin scope).
 */
final class WebhookRoutes {
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 100;

    private final WebhookLog log;
    private final TenantSecrets secrets;
    private final Runnable wake;
    private final Blocking blocking;
    private final HttpJson json;
    private final TenantResolver tenants;

    WebhookRoutes(WebhookLog log, TenantSecrets secrets, Runnable wake, Blocking blocking, HttpJson json, TenantResolver tenants) {
        this.log = log;
        this.secrets = secrets;
        this.wake = wake;
        this.blocking = blocking;
        this.json = json;
        this.tenants = tenants;
    }

    void mount(Router router) {
        router.get("/v1/webhooks/events").handler(this::list);
        router.get("/v1/webhooks/events/:id").handler(this::get);
        router.post("/v1/webhooks/events/:id/retry").handler(this::retry);
        router.get("/v1/webhooks/secret").handler(this::secret);
    }

    private void list(RoutingContext ctx) {
        String tenant = tenants.tenant(ctx);
        String jobId = ctx.request().getParam("job_id");
        String batchId = ctx.request().getParam("batch_id");
        String after = ctx.request().getParam("after");
        int limit;
        try {
            limit = limit(ctx.request().getParam("limit"));
        } catch (ApiException e) {
            ctx.fail(e);
            return;
        }
        blocking.run(() -> {
                    if (after != null && !log.exists(tenant, after)) {
                        throw ApiException.invalid("invalid_value", "after", "no webhook event with id '" + after + "'");
                    }
                    List<WebhookLog.StoredEvent> page = log.list(tenant, jobId, batchId, after, limit + 1);
                    ObjectNode body = json.mapper().createObjectNode();
                    body.put("object", "list");
                    ArrayNode data = body.putArray("data");
                    page.stream().limit(limit).forEach(e -> data.add(render(json.mapper(), e)));
                    if (!data.isEmpty()) {
                        body.put("first_id", data.get(0).get("id").asText());
                        body.put("last_id", data.get(data.size() - 1).get("id").asText());
                    }
                    body.put("has_more", page.size() > limit);
                    return body;
                })
                .compose(body -> json.send(ctx, 200, body))
                .onFailure(ctx::fail);
    }

    private void get(RoutingContext ctx) {
        String tenant = tenants.tenant(ctx);
        String id = ctx.pathParam("id");
        blocking.run(() -> render(json.mapper(), log.find(tenant, id).orElseThrow(() -> notFound(id))))
                .compose(body -> json.send(ctx, 200, body))
                .onFailure(ctx::fail);
    }

    private void retry(RoutingContext ctx) {
        String tenant = tenants.tenant(ctx);
        String id = ctx.pathParam("id");
        blocking.run(() -> {
                    if (!log.retryNow(tenant, id)) {
                        throw notFound(id);
                    }
                    return render(json.mapper(), log.find(tenant, id).orElseThrow(() -> notFound(id)));
                })
                .compose(body -> {
                    wake.run();
                    return json.send(ctx, 202, body);
                })
                .onFailure(ctx::fail);
    }

    private void secret(RoutingContext ctx) {
        Set<String> scopes = ctx.get(Caller.SCOPES_KEY);
        if (scopes != null && !scopes.contains("admin")) {
            // The auth handler (when keys exist) admits reads with the read scope; the signing secret needs admin.
            ctx.fail(new ApiException(403, "insufficient_scope", null, "reading the webhook signing secret needs an API key with the admin scope"));
            return;
        }
        // Admin keys are the operators' (platform-wide): they may read any tenant's secret to hand it to its owner.
        String tenant = ctx.request().getParam("tenant", tenants.tenant(ctx));
        blocking.run(() -> secrets.secret(tenant))
                .compose(secret -> json.send(ctx, 200, json.mapper().createObjectNode()
                        .put("object", "webhook.secret").put("tenant", tenant).put("secret", secret)))
                .onFailure(ctx::fail);
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("id", "no webhook event with id '" + id + "'");
    }

    static ObjectNode render(ObjectMapper mapper, WebhookLog.StoredEvent e) {
        ObjectNode out = mapper.createObjectNode();
        out.put("id", e.id());
        out.put("object", "webhook.event");
        out.put("type", e.type());
        if (e.type().startsWith("job.")) {
            out.put("job_id", e.subjectId());
        }
        if (e.batchId() != null) {
            out.put("batch_id", e.batchId());
        }
        out.put("url", e.url());
        out.put("status", e.status());
        putTime(out, "created_at", e.createdAt());
        putTime(out, "next_attempt_at", e.nextAttemptAt());
        putTime(out, "delivered_at", e.deliveredAt());
        putTime(out, "gave_up_at", e.gaveUpAt());
        if (e.lastStatus() != null) {
            out.put("last_http_status", e.lastStatus());
        }
        if (e.lastError() != null) {
            out.put("last_error", e.lastError());
        }
        out.putRawValue("payload", new RawValue(e.payload()));
        ArrayNode attempts = out.putArray("attempts");
        for (WebhookLog.StoredAttempt a : e.log()) {
            ObjectNode row = attempts.addObject();
            row.put("attempt", a.attempt());
            putTime(row, "attempted_at", a.at());
            if (a.httpStatus() != null) {
                row.put("http_status", a.httpStatus());
            }
            if (a.error() != null) {
                row.put("error", a.error());
            }
            row.put("duration_ms", a.durationMs());
        }
        return out;
    }

    private static void putTime(ObjectNode out, String field, Instant t) {
        if (t != null) {
            out.put(field, t.getEpochSecond());
        }
    }

    private static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below, which names the accepted range
        }
        throw ApiException.invalid("invalid_value", "limit", "limit must be an integer from 1 to " + MAX_LIMIT + ", got '" + value + "'");
    }
}
