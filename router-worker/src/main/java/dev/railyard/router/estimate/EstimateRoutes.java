package dev.railyard.router.estimate;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cost estimates before submitting:
 * <ul>
 *   <li>{@code POST /v1/estimates}: one OpenAI request (JSON) or a batch input (JSONL, by content type);</li>
 *   <li>{@code POST /v1/batches?dry_run=true}: the same JSONL as {@code POST /v1/batches}, estimated instead of
 *   created. These routes run ahead of api-ingest's own {@code POST /v1/batches} (an explicit negative
 *   order) and hand every request without {@code dry_run=true} on to it untouched, body unread.</li>
 * </ul>
 * Parsing and routing run on a worker thread, never on the event loop.
 */
public final class EstimateRoutes {
    private static final Logger log = LoggerFactory.getLogger(EstimateRoutes.class);
    private static final Set<String> JSONL_TYPES = Set.of("application/jsonl", "application/x-ndjson");
    /** The tenant of a request that carries none (api-ingest's open mode). */
    static final String DEFAULT_TENANT = "default";
    /** Where api-ingest's edge auth leaves the caller's tenant on the request. */
    static final String TENANT_KEY = "railyard.tenant";

    private final BatchEstimate estimator;
    private final EstimateInput input;
    private final Vertx vertx;
    private final BodyHandler bodies;

    /** @param maxBodyBytes the largest body read, as api-ingest's limit */
    public EstimateRoutes(BatchEstimate estimator, EstimateInput input, Vertx vertx, long maxBodyBytes) {
        this.estimator = estimator;
        this.input = input;
        this.vertx = vertx;
        this.bodies = BodyHandler.create(false).setBodyLimit(maxBodyBytes).setPreallocateBodyBuffer(true);
    }

    public void install(Router router) {
        router.post("/v1/estimates").handler(bodies).handler(this::estimate);
        // Two routes so that only a dry run's body is read: the first reads it (or passes), the second answers.
        router.post("/v1/batches").order(-2).handler(ctx -> {
            switch (dryRun(ctx)) {
                case YES -> bodies.handle(ctx);
                case NO -> ctx.next();
                case INVALID -> error(ctx, 400, "invalid_value", "dry_run",
                        "dry_run must be true or false, got '" + ctx.request().getParam("dry_run") + "'");
            }
        });
        router.post("/v1/batches").order(-1).handler(ctx -> {
            if (dryRun(ctx) == DryRun.YES) {
                dryRunBatch(ctx);
            } else {
                ctx.next();
            }
        });
    }

    private enum DryRun { YES, NO, INVALID }

    /** A value other than true or false is refused here, so a typo never creates a batch. */
    private static DryRun dryRun(RoutingContext ctx) {
        String value = ctx.request().getParam("dry_run");
        if (value == null || value.equalsIgnoreCase("false")) {
            return DryRun.NO;
        }
        return value.equalsIgnoreCase("true") ? DryRun.YES : DryRun.INVALID;
    }

    private void dryRunBatch(RoutingContext ctx) {
        if (!jsonl(ctx)) {
            error(ctx, 415, "unsupported_media_type", null, "a batch input must be sent as application/jsonl,"
                    + " application/x-ndjson, or text/plain with ?format=jsonl; got " + contentType(ctx));
            return;
        }
        String endpoint = ctx.request().getParam("endpoint");
        String text = text(ctx);
        answer(ctx, () -> estimator.estimate(tenant(ctx), input.batch(text, endpoint), true));
    }

    private void estimate(RoutingContext ctx) {
        String text = text(ctx);
        if (jsonl(ctx)) {
            String endpoint = ctx.request().getParam("endpoint");
            answer(ctx, () -> estimator.estimate(tenant(ctx), input.batch(text, endpoint), true));
            return;
        }
        String type = mediaType(ctx);
        if (!type.isEmpty() && !type.equals("application/json")) {
            error(ctx, 415, "unsupported_media_type", null, "an estimate takes one request as application/json, or a batch"
                    + " input as application/jsonl or application/x-ndjson; got " + contentType(ctx));
            return;
        }
        answer(ctx, () -> estimator.estimate(tenant(ctx), input.single(text), false));
    }

    private void answer(RoutingContext ctx, java.util.concurrent.Callable<Estimate> work) {
        vertx.executeBlocking(work, false).onComplete(ar -> {
            if (ar.succeeded()) {
                ctx.response().setStatusCode(200).putHeader("content-type", "application/json").end(body(ar.result()).encode());
            } else if (ar.cause() instanceof EstimateInput.Rejected r) {
                error(ctx, 400, r.code(), r.param(), r.getMessage());
            } else {
                log.error("{} {} failed: {}", ctx.request().method(), ctx.request().path(), ar.cause().toString(), ar.cause());
                ctx.response().setStatusCode(500).putHeader("content-type", "application/json").end(new JsonObject()
                        .put("error", new JsonObject().put("type", "server_error").put("message", "the estimate failed")).encode());
            }
        });
    }

    static JsonObject body(Estimate e) {
        JsonArray models = new JsonArray();
        for (Estimate.ModelEstimate m : e.byModel()) {
            models.add(new JsonObject()
                    .put("model", m.model())
                    .put("lines", m.lines())
                    .put("prompt_tokens", m.promptTokens())
                    .put("max_output_tokens", m.maxOutputTokens())
                    .put("estimated_cost", m.estimatedCost().toPlainString())
                    .put("deployments", new JsonObject(new java.util.LinkedHashMap<>(m.deployments()))));
        }
        return new JsonObject()
                .put("object", "estimate")
                .put("endpoint", e.endpoint())
                .put("lines", e.lines())
                .put("estimated_lines", e.estimatedLines())
                .put("invalid_lines", e.invalid().size())
                .put("unroutable_lines", e.unroutable().size())
                .put("prompt_tokens", e.promptTokens())
                .put("max_output_tokens", e.maxOutputTokens())
                .put("estimated_cost", e.estimatedCost().toPlainString())
                .put("by_model", models)
                .put("invalid", problems(e.invalid()))
                .put("unroutable", problems(e.unroutable()));
    }

    private static JsonArray problems(java.util.List<LineProblem> problems) {
        JsonArray out = new JsonArray();
        for (LineProblem p : problems) {
            out.add(new JsonObject()
                    .put("line", p.lineNumber())
                    .put("custom_id", p.customId())
                    .put("code", p.code())
                    .put("param", p.field())
                    .put("message", p.message()));
        }
        return out;
    }

    private static String mediaType(RoutingContext ctx) {
        String header = ctx.request().getHeader("content-type");
        return header == null ? "" : header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    private static boolean jsonl(RoutingContext ctx) {
        String type = mediaType(ctx);
        return JSONL_TYPES.contains(type)
                || type.equals("text/plain") && "jsonl".equalsIgnoreCase(ctx.request().getParam("format"));
    }

    private static String contentType(RoutingContext ctx) {
        String header = ctx.request().getHeader("content-type");
        return header == null ? "no content-type" : "'" + header + "'";
    }

    private static String text(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        return body == null ? "" : body.toString(StandardCharsets.UTF_8);
    }

    private static void error(RoutingContext ctx, int status, String code, String param, String message) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(new JsonObject()
                .put("error", new JsonObject()
                        .put("type", "invalid_request_error")
                        .put("code", code)
                        .put("param", param)
                        .put("message", message))
                .encode());
    }

    private static String tenant(RoutingContext ctx) {
        Object tenant = ctx.get(TENANT_KEY);
        return tenant instanceof String t && !t.isBlank() ? t : DEFAULT_TENANT;
    }
}
