package dev.railyard.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.config.ConfigWatcher;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/admin/config}: which version of railyard.yaml is in use and why the last edit was rejected, if it
 * was; {@code POST /v1/admin/config/reload}: check the file now instead of at the next interval (422 with the
 * problems when the file in place is invalid; the running configuration stays). Admin scope (under /v1/admin).
 */
final class ConfigRoutes {
    private final ConfigWatcher watcher;
    private final Vertx vertx;
    private final ObjectMapper json;

    ConfigRoutes(ConfigWatcher watcher, Vertx vertx, ObjectMapper json) {
        this.watcher = watcher;
        this.vertx = vertx;
        this.json = json;
    }

    void install(Router router) {
        router.get("/v1/admin/config").handler(ctx -> send(ctx, watcher.status()));
        // Applying a change restarts the workers: off the event loop.
        router.post("/v1/admin/config/reload").handler(ctx -> vertx.executeBlocking(watcher::check, false)
                .onSuccess(status -> send(ctx, status))
                .onFailure(ctx::fail));
    }

    private void send(RoutingContext ctx, ConfigWatcher.Status status) {
        ObjectNode body = json.createObjectNode()
                .put("object", "config")
                .put("file", status.file().toString())
                .put("version", status.applied())
                .put("applied_at", status.appliedAt().toString())
                .put("reloads", status.reloads());
        if (status.problems().isEmpty()) {
            body.putNull("rejected");
        } else {
            ObjectNode rejected = body.putObject("rejected")
                    .put("version", status.rejected())
                    .put("at", status.rejectedAt().toString());
            status.problems().forEach(rejected.putArray("problems")::add);
        }
        ctx.response().setStatusCode(status.problems().isEmpty() ? 200 : 422)
                .putHeader("content-type", "application/json").end(body.toString());
    }
}
