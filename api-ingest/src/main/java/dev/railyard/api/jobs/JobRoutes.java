package dev.railyard.api.jobs;

import dev.railyard.api.Ids;
import dev.railyard.api.http.ApiException;
import dev.railyard.api.http.Blocking;
import dev.railyard.api.http.HttpJson;
import dev.railyard.api.http.TenantResolver;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code POST /v1/jobs} and {@code GET /v1/jobs/{id}}. */
public final class JobRoutes {
    private final JobRequestReader reader;
    private final JobStore store;
    private final JobPublisher publisher;
    private final JobView view;
    private final Blocking blocking;
    private final HttpJson json;
    private final TenantResolver tenants;
    private final Ids ids;
    private final Clock clock;

    public JobRoutes(JobRequestReader reader, JobStore store, JobPublisher publisher, JobView view, Blocking blocking,
                     HttpJson json, TenantResolver tenants, Ids ids, Clock clock) {
        this.reader = reader;
        this.store = store;
        this.publisher = publisher;
        this.view = view;
        this.blocking = blocking;
        this.json = json;
        this.tenants = tenants;
        this.ids = ids;
        this.clock = clock;
    }

    public void mount(Router router, BodyHandler bodies) {
        router.post("/v1/jobs").handler(bodies).handler(this::submit);
        router.get("/v1/jobs/:id").handler(this::get);
    }

    private record Submitted(NewJob job, JobPublisher.Report report) {
    }

    private void submit(RoutingContext ctx) {
        String tenant = tenants.tenant(ctx);
        byte[] bytes = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        // Parsing, the insert and the hand-off to the producer all block; the acks come back on a callback.
        blocking.run(() -> {
                    JobRequest request = reader.read(bytes);
                    NewJob job = newJob(tenant, request);
                    store.insert(job);
                    return publisher.publish(List.of(job)).thenApply(report -> new Submitted(job, report));
                })
                .compose(blocking::await)
                .compose(submitted -> submitted.report().ok()
                        ? json.send(ctx, 202, accepted(submitted.job()))
                        : unpublished(submitted))
                .onFailure(ctx::fail);
    }

    private Future<Void> unpublished(Submitted submitted) {
        String reason = String.valueOf(submitted.report().firstError());
        return blocking.run(() -> {
            store.markUnpublished(submitted.report().failedJobIds(), reason);
            return null;
        }).compose(v -> Future.failedFuture(new ApiException(503, "queue_unavailable", null,
                "job " + submitted.job().id() + " could not be queued (" + reason + "); it is recorded as failed")));
    }

    private NewJob newJob(String tenant, JobRequest request) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return new NewJob(ids.jobId(), tenant, null, null, 0, request.endpoint(), request.model(), request.requestJson(),
                request.priority(), request.metadata(), request.callbackUrl(), request.deadline(), now);
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
