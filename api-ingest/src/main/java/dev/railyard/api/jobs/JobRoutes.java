package dev.railyard.api.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.api.http.ApiException;
import dev.railyard.api.http.Blocking;
import dev.railyard.api.http.HttpJson;
import dev.railyard.api.http.TenantResolver;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/jobs}, {@code GET /v1/jobs} (search, newest first, cursor {@code after}), {@code GET /v1/jobs/{id}}
 * and {@code GET /v1/jobs/{id}/attempts}. Reads are the caller's tenant's; {@code ?tenant=} names another for an admin key.
 */
public final class JobRoutes {
    private final JobRequestReader reader;
    private final JobSubmission submission;
    private final JobStore store;
    private final JobView view;
    private final Blocking blocking;
    private final HttpJson json;
    private final TenantResolver tenants;

    public JobRoutes(JobRequestReader reader, JobSubmission submission, JobStore store, JobView view, Blocking blocking,
                     HttpJson json, TenantResolver tenants) {
        this.reader = reader;
        this.submission = submission;
        this.store = store;
        this.view = view;
        this.blocking = blocking;
        this.json = json;
        this.tenants = tenants;
    }

    public void mount(Router router, BodyHandler bodies) {
        router.post("/v1/jobs").handler(bodies).handler(this::submit);
        router.get("/v1/jobs").handler(this::search);
        router.get("/v1/jobs/:id").handler(this::get);
        router.get("/v1/jobs/:id/attempts").handler(this::attempts);
    }

    private void submit(RoutingContext ctx) {
        String tenant = tenants.tenant(ctx);
        byte[] bytes = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        submission.submit(tenant, tenants.apiKeyId(ctx), () -> reader.read(bytes), job -> { }, ctx.request()::getHeader)
                .compose(job -> json.send(ctx, 202, accepted(job)))
                .onFailure(ctx::fail);
    }

    private static Map<String, Object> accepted(NewJob job) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", job.id());
        body.put("object", "job");
        body.put("status", "queued");
        body.put("created_at", job.createdAt().getEpochSecond());
        return body;
    }

    private void search(RoutingContext ctx) {
        JobQuery query = JobQuery.parse(tenants.readable(ctx, ctx.request().getParam("tenant")), ctx.request()::getParam);
        blocking.run(() -> store.search(query))
                .compose(page -> {
                    if (page.isEmpty()) {
                        return Future.failedFuture(ApiException.invalid("invalid_value", "after",
                                "no job with id '" + query.after() + "'"));
                    }
                    List<JobRow> rows = page.get();
                    List<JobRow> shown = rows.subList(0, Math.min(query.limit(), rows.size()));
                    ObjectNode body = json.mapper().createObjectNode().put("object", "list");
                    ArrayNode data = body.putArray("data");
                    shown.forEach(row -> data.add(view.render(row)));
                    if (shown.isEmpty()) {
                        body.putNull("first_id").putNull("last_id");
                    } else {
                        body.put("first_id", shown.get(0).id()).put("last_id", shown.get(shown.size() - 1).id());
                    }
                    body.put("has_more", rows.size() > query.limit());
                    return json.send(ctx, 200, body);
                })
                .onFailure(ctx::fail);
    }

    private void attempts(RoutingContext ctx) {
        String tenant = tenants.readable(ctx, ctx.request().getParam("tenant"));
        String id = ctx.pathParam("id");
        blocking.run(() -> store.attempts(tenant, id))
                .compose(found -> {
                    if (found.isEmpty()) {
                        return Future.failedFuture(ApiException.notFound("id", "no job with id '" + id + "'"));
                    }
                    ObjectNode body = json.mapper().createObjectNode().put("object", "list").put("job_id", id);
                    ArrayNode data = body.putArray("data");
                    found.get().forEach(a -> data.add(view.render(a)));
                    return json.send(ctx, 200, body);
                })
                .onFailure(ctx::fail);
    }

    private void get(RoutingContext ctx) {
        String tenant = tenants.readable(ctx, ctx.request().getParam("tenant"));
        String id = ctx.pathParam("id");
        blocking.run(() -> store.find(tenant, id))
                .compose(found -> found.isPresent()
                        ? json.send(ctx, 200, view.render(found.get()))
                        : Future.failedFuture(ApiException.notFound("id", "no job with id '" + id + "'")))
                .onFailure(ctx::fail);
    }
}
