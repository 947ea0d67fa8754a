package dev.railyard.api.batches;

import dev.railyard.api.Ids;
import dev.railyard.api.files.FileRoutes;
import dev.railyard.api.files.FileStore;
import dev.railyard.api.files.StoredFile;
import dev.railyard.api.http.ApiException;
import dev.railyard.api.http.Blocking;
import dev.railyard.api.http.HttpJson;
import dev.railyard.api.http.JsonlStream;
import dev.railyard.api.http.TenantResolver;
import dev.railyard.api.webhooks.CallbackUrls;
import dev.railyard.api.jobs.JobPublisher;
import dev.railyard.api.jobs.JobStore;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The OpenAI Batches API: create (from an uploaded file, {@code application/json}; or, a Railyard extension, from a
 * JSONL body), get, list, cancel, and the output and error files by batch.
 */
public final class BatchRoutes {
    private static final Set<String> JSONL_TYPES = Set.of("application/jsonl", "application/x-ndjson");
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 100;

    private final BatchIntake intake;
    private final BatchStore store;
    private final BatchResults results;
    private final JobStore jobs;
    private final Blocking blocking;
    private final HttpJson json;
    private final JsonlStream stream;
    private final TenantResolver tenants;
    private final FileStore files;
    private final Clock clock;
    private final Ids ids;

    public BatchRoutes(BatchIntake intake, BatchStore store, BatchResults results, JobStore jobs, Blocking blocking,
                       HttpJson json, JsonlStream stream, TenantResolver tenants, FileStore files, Clock clock, Ids ids) {
        this.ids = ids;
        this.files = files;
        this.clock = clock;
        this.intake = intake;
        this.store = store;
        this.results = results;
        this.jobs = jobs;
        this.blocking = blocking;
        this.json = json;
        this.stream = stream;
        this.tenants = tenants;
    }

    public void mount(Router router, BodyHandler bodies) {
        router.post("/v1/batches").handler(bodies).handler(this::create);
        router.get("/v1/batches").handler(this::list);
        router.get("/v1/batches/:id").handler(this::get);
        router.post("/v1/batches/:id/cancel").handler(this::cancel);
        router.get("/v1/batches/:id/output").handler(ctx -> {
            String tenant = tenants.tenant(ctx);
            stream.send(ctx, () -> results.output(tenant, ctx.pathParam("id"))).onFailure(ctx::fail);
        });
        router.get("/v1/batches/:id/errors").handler(ctx -> {
            String tenant = tenants.tenant(ctx);
            stream.send(ctx, () -> results.errors(tenant, ctx.pathParam("id"))).onFailure(ctx::fail);
        });
    }

    private void create(RoutingContext ctx) {
        String tenant = tenants.tenant(ctx);
        if (mediaType(ctx).equals(HttpJson.JSON)) {
            createFromFile(ctx, tenant);
            return;
        }
        try {
            requireJsonl(ctx);
        } catch (ApiException e) {
            ctx.fail(e);
            return;
        }
        String endpoint = ctx.request().getParam("endpoint");
        String window = ctx.request().getParam("completion_window", "24h");
        String callbackParam = ctx.request().getParam("callback_url");
        Buffer body = ctx.body().buffer();
        String apiKeyId = tenants.apiKeyId(ctx);
        blocking.run(() -> {
                    String callbackUrl = callbackParam == null ? null : CallbackUrls.check(callbackParam, "callback_url");
                    String input = body == null ? "" : body.toString(StandardCharsets.UTF_8);
                    // Kept as an input file too, so this batch has an input_file_id like every OpenAI batch.
                    String fileId = ids.fileId();
                    files.create(fileId, tenant, FileRoutes.BATCH, "batch-input.jsonl", clock.instant(),
                            out -> out.write(input.getBytes(StandardCharsets.UTF_8)));
                    try {
                        return intake.accept(tenant, apiKeyId, input, endpoint, window, callbackUrl, fileId);
                    } catch (ApiException e) {
                        files.delete(tenant, fileId); // no batch was stored: nothing refers to the file
                        throw e;
                    }
                })
                .compose(blocking::await)
                .compose(accepted -> accepted.report().ok()
                        ? json.send(ctx, 200, accepted.batch())
                        : unpublished(accepted))
                .onFailure(ctx::fail);
    }

    /** OpenAI's way: {@code {"input_file_id","endpoint","completion_window","metadata"}}, the file read as it is parsed. */
    private void createFromFile(RoutingContext ctx, String tenant) {
        Buffer body = ctx.body().buffer();
        String apiKeyId = tenants.apiKeyId(ctx);
        blocking.run(() -> {
                    BatchCreateRequest request = BatchCreateRequest.read(json.mapper(), body == null ? null : body.getBytes());
                    StoredFile file = files.find(tenant, request.inputFileId())
                            .orElseThrow(() -> ApiException.invalid("invalid_value", "input_file_id",
                                    "no file with id '" + request.inputFileId() + "'"));
                    if (!FileRoutes.BATCH.equals(file.purpose())) {
                        throw ApiException.invalid("invalid_value", "input_file_id", "file " + file.id()
                                + " has purpose " + file.purpose() + "; a batch input is uploaded with purpose batch");
                    }
                    try (Reader input = new InputStreamReader(files.open(file.id()), StandardCharsets.UTF_8)) {
                        return intake.acceptFile(tenant, apiKeyId, file.id(), input, request.endpoint(), request.completionWindow(),
                                request.metadataJson(), request.callbackUrl());
                    }
                })
                .compose(blocking::await)
                .compose(accepted -> accepted.report().ok()
                        ? json.send(ctx, 200, accepted.batch())
                        : unpublished(accepted))
                .onFailure(ctx::fail);
    }

    /**
     * {@code cancelling} at once; {@code cancelled} once every job ended: jobs not started yet end cancelled (the
     * router and the provider workers read the batches being cancelled), the others finish and are reported.
     */
    private void cancel(RoutingContext ctx) {
        String tenant = tenants.tenant(ctx);
        String id = ctx.pathParam("id");
        blocking.run(() -> {
                    boolean cancelling = store.cancel(tenant, id, clock.instant().truncatedTo(ChronoUnit.MICROS));
                    StoredBatch batch = store.find(tenant, id)
                            .orElseThrow(() -> ApiException.notFound("batch_id", "no batch with id '" + id + "'"));
                    BatchObject shown = render(batch);
                    if (!cancelling) {
                        throw new ApiException(409, "batch_not_cancellable", null,
                                "batch " + id + " is " + shown.status() + " and can no longer be cancelled");
                    }
                    return shown;
                })
                .compose(batch -> json.send(ctx, 200, batch))
                .onFailure(ctx::fail);
    }

    private static String mediaType(RoutingContext ctx) {
        String header = ctx.request().getHeader("content-type");
        return header == null ? "" : header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    private Future<Void> unpublished(BatchIntake.Accepted accepted) {
        JobPublisher.Report report = accepted.report();
        String reason = String.valueOf(report.firstError());
        return blocking.run(() -> {
            jobs.markUnpublished(report.failedJobIds(), reason);
            return null;
        }).compose(v -> Future.failedFuture(new ApiException(503, "queue_unavailable", null,
                "batch " + accepted.batch().id() + " was stored but " + report.failedJobIds().size() + " of " + accepted.jobs()
                + " jobs could not be queued (" + reason + "); they are recorded as failed")));
    }

    private static void requireJsonl(RoutingContext ctx) {
        String header = ctx.request().getHeader("content-type");
        String type = header == null ? "" : header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        boolean plainJsonl = type.equals("text/plain") && "jsonl".equalsIgnoreCase(ctx.request().getParam("format"));
        if (!JSONL_TYPES.contains(type) && !plainJsonl) {
            throw new ApiException(415, "unsupported_media_type", null, "a batch is created from an uploaded file"
                    + " (application/json with input_file_id) or from a JSONL body (application/jsonl,"
                    + " application/x-ndjson, or text/plain with ?format=jsonl); got " + (header == null ? "no content-type" : "'" + header + "'"));
        }
    }

    private void get(RoutingContext ctx) {
        String tenant = tenants.tenant(ctx);
        String id = ctx.pathParam("id");
        blocking.run(() -> {
                    StoredBatch batch = store.find(tenant, id)
                            .orElseThrow(() -> ApiException.notFound("id", "no batch with id '" + id + "'"));
                    return render(batch);
                })
                .compose(batch -> json.send(ctx, 200, batch))
                .onFailure(ctx::fail);
    }

    private void list(RoutingContext ctx) {
        String tenant = tenants.tenant(ctx);
        String after = ctx.request().getParam("after");
        int limit;
        try {
            limit = limit(ctx.request().getParam("limit"));
        } catch (ApiException e) {
            ctx.fail(e);
            return;
        }
        blocking.run(() -> {
                    if (after != null && !store.exists(tenant, after)) {
                        throw ApiException.invalid("invalid_value", "after", "no batch with id '" + after + "'");
                    }
                    List<StoredBatch> page = store.list(tenant, after, limit + 1);
                    List<BatchObject> data = new ArrayList<>();
                    for (StoredBatch b : page.subList(0, Math.min(limit, page.size()))) {
                        data.add(render(b));
                    }
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("object", "list");
                    body.put("data", data);
                    if (!data.isEmpty()) {
                        body.put("first_id", data.get(0).id());
                        body.put("last_id", data.get(data.size() - 1).id());
                    }
                    body.put("has_more", page.size() > limit);
                    return body;
                })
                .compose(body -> json.send(ctx, 200, body))
                .onFailure(ctx::fail);
    }

    private BatchObject render(StoredBatch batch) throws Exception {
        List<LineError> shown = BatchObject.FAILED.equals(batch.status()) ? store.lineErrors(batch.id(), BatchIntake.INLINE_ERRORS) : List.of();
        return BatchObject.of(batch, shown);
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
