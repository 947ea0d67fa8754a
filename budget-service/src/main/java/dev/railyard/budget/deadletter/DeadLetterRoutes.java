package dev.railyard.budget.deadletter;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter API (docs/kafka.md, "Dead letters"): {@code GET /v1/dead-letters?limit&after} lists recorded dead
 * letters newest first; {@code POST /v1/dead-letters/{id}/replay[?force=true]} puts one back on its source topic.
 * Behind api-ingest both need the admin scope (they show and move every tenant's records). Calls run on worker threads.
 */
public final class DeadLetterRoutes {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterRoutes.class);
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 1000;

    private final DeadLetterArchive archive;
    private final Supplier<DeadLetterReplay> replay;
    private final Vertx vertx;

    /** @param replay the running budget service's (looked up per request: the service may be restarted) */
    public DeadLetterRoutes(DeadLetterArchive archive, Supplier<DeadLetterReplay> replay, Vertx vertx) {
        this.archive = archive;
        this.replay = replay;
        this.vertx = vertx;
    }

    public void install(Router router) {
        router.get("/v1/dead-letters").handler(ctx -> answer(ctx, () -> {
            int limit = limit(ctx.request().getParam("limit"));
            Long after = id(ctx.request().getParam("after"), "after");
            List<DeadLetter> page = archive.list(limit + 1, after);
            JsonArray data = new JsonArray();
            page.stream().limit(limit).forEach(d -> data.add(render(d)));
            return new JsonObject().put("object", "list").put("data", data)
                    .put("first_id", page.isEmpty() ? null : String.valueOf(page.get(0).id()))
                    .put("last_id", page.isEmpty() ? null : String.valueOf(page.get(Math.min(limit, page.size()) - 1).id()))
                    .put("has_more", page.size() > limit);
        }));
        router.post("/v1/dead-letters/:id/replay").handler(ctx -> answer(ctx, () -> {
            long id = id(ctx.pathParam("id"), "id");
            boolean force = "true".equalsIgnoreCase(ctx.request().getParam("force"));
            DeadLetterReplay.Replayed replayed = replay.get().replay(id, force);
            return new JsonObject().put("object", "dead_letter.replay")
                    .put("dead_letter", render(replayed.deadLetter()))
                    .put("topic", replayed.record().topic())
                    .put("partition", replayed.record().partition())
                    .put("offset", replayed.record().offset());
        }));
    }

    static int limit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        if (!text.matches("[0-9]{1,4}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > MAX_LIMIT) {
            throw new DeadLetterException(400, "invalid_value", "limit", "limit must be 1 to " + MAX_LIMIT + ", got '" + text + "'");
        }
        return Integer.parseInt(text);
    }

    static Long id(String text, String param) {
        if (text == null) {
            return null;
        }
        if (!text.matches("[0-9]{1,18}")) {
            throw new DeadLetterException(400, "invalid_value", param, param + " must be a dead letter id, got '" + text + "'");
        }
        return Long.parseLong(text);
    }

    static JsonObject render(DeadLetter d) {
        JsonObject headers = new JsonObject();
        d.originalHeaders().forEach(h -> headers.put(h.key(), text(h.value())));
        return new JsonObject()
                .put("id", String.valueOf(d.id()))
                .put("object", "dead_letter")
                .put("stage", d.stage())
                .put("error_type", d.errorType())
                .put("reason", d.reason())
                .put("job_id", d.jobId())
                .put("tenant", d.tenant())
                .put("source", position(d.source()))
                .put("dead_letter_record", position(d.dlq()))
                .put("key", text(d.key()))
                .put("value", text(d.value()))
                .put("headers", headers)
                .put("recorded_at", d.recordedAt().toString())
                .put("replayed_at", d.replayedAt() == null ? null : d.replayedAt().toString())
                .put("replay", d.replay() == null ? null : position(d.replay()));
    }

    private static JsonObject position(DeadLetter.RecordPosition p) {
        return new JsonObject().put("topic", p.topic()).put("partition", p.partition()).put("offset", p.offset());
    }

    /** Bytes as UTF-8 text for people to read (malformed bytes become U+FFFD); the stored bytes are what a replay sends. */
    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private void answer(RoutingContext ctx, Callable<JsonObject> call) {
        Future<JsonObject> result = vertx.executeBlocking(call, false);
        result.onComplete(ar -> {
            if (ar.succeeded()) {
                respond(ctx, 200, ar.result());
            } else if (ar.cause() instanceof DeadLetterException e) {
                respond(ctx, e.status(), new JsonObject().put("error", new JsonObject()
                        .put("type", "invalid_request_error")
                        .put("code", e.code())
                        .put("param", e.param())
                        .put("message", e.getMessage())));
            } else {
                log.error("{} {} failed: {}", ctx.request().method(), ctx.request().path(), ar.cause().toString(), ar.cause());
                respond(ctx, 500, new JsonObject().put("error", new JsonObject()
                        .put("type", "server_error")
                        .put("code", "internal_error")
                        .put("message", "the dead letters could not be read or replayed")));
            }
        });
    }

    private static void respond(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }
}
