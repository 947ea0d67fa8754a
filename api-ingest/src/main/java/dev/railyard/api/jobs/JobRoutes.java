package dev.railyard.api.jobs;

import dev.railyard.api.http.ApiException;
import dev.railyard.api.http.Blocking;
import dev.railyard.api.http.HttpJson;
import dev.railyard.api.http.TenantResolver;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code POST /v1/jobs} and {@code GET /v1/jobs/{id}}. */
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
        router.get("/v1/jobs/:id").handler(this::get);
    }

    private void submit(RoutingContext ctx) {
        String tenant = tenants.tenant(ctx);
        byte[] bytes = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        submission.submit(tenant, tenants.apiKeyId(ctx), () -> reader.read(bytes), job -> { })
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

    private void get(RoutingContext ctx) {
        String tenant = tenants.tenant(ctx);
        String id = ctx.pathParam("id");
        blocking.run(() -> store.find(tenant, id))
                .compose(found -> found.isPresent()
                        ? json.send(ctx, 200, view.render(found.get()))
                        : Future.failedFuture(ApiException.notFound("id", "no job with id '" + id + "'")))
                .onFailure(ctx::fail);
    }
}
