package dev.railyard.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.config.Deployment;
import dev.railyard.config.RailyardConfig;
import dev.railyard.schema.event.DeploymentHealthSnapshot;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /v1/deployments}: every configured deployment with its live health as the routers see it
 * (merged over all instances): circuit state, request and failure counts, latency percentiles. A
 * deployment with no recent traffic shows {@code circuit: closed} and no figures.
 */
final class DeploymentRoutes {
    private final Supplier<RailyardConfig> config;
    private final Supplier<Map<String, DeploymentHealthSnapshot>> health;
    private final ObjectMapper json;

    DeploymentRoutes(Supplier<RailyardConfig> config, Supplier<Map<String, DeploymentHealthSnapshot>> health, ObjectMapper json) {
        this.config = config;
        this.health = health;
        this.json = json;
    }

    void install(Router router) {
        // The health view is an in-memory map kept current by its own thread: reading it never blocks.
        router.get("/v1/deployments").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
                .end(body().toString()));
    }

    ObjectNode body() {
        Map<String, DeploymentHealthSnapshot> snapshots = health.get();
        ObjectNode body = json.createObjectNode().put("object", "list");
        ArrayNode data = body.putArray("data");
        for (Deployment d : config.get().deployments()) {
            ObjectNode row = data.addObject()
                    .put("id", d.id())
                    .put("object", "deployment")
                    .put("provider", d.provider())
                    .put("model", d.model())
                    .put("provider_model", d.providerModel());
            DeploymentHealthSnapshot s = snapshots.get(d.id());
            if (s == null) {
                row.put("circuit", "closed");
                continue;
            }
            ObjectNode live = json.valueToTree(s);
            live.remove(List.of("deployment_id", "instance_id", "schema_version"));
            row.setAll(live);
        }
        return body;
    }
}
