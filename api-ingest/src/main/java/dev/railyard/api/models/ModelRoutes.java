package dev.railyard.api.models;

import dev.railyard.api.http.HttpJson;
import dev.railyard.config.ModelSpec;
import dev.railyard.config.RailyardConfig;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /v1/models}: the configured catalog in OpenAI's list shape. */
public final class ModelRoutes {
    /**
     * The catalog has no creation dates; a fixed instant (2024-05-01T00:00:00Z) keeps the field present and the
     * answer stable across restarts.
     */
    public static final long CREATED = 1_714_521_600L;

    private final Map<String, Object> body;
    private final HttpJson json;

    public ModelRoutes(RailyardConfig config, HttpJson json) {
        this.json = json;
        List<Map<String, Object>> data = config.models().values().stream()
                .sorted(Comparator.comparing(ModelSpec::name))
                .map(ModelRoutes::model)
                .toList();
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("object", "list");
        list.put("data", data);
        this.body = list;
    }

    public void mount(Router router) {
        router.get("/v1/models").handler(this::list);
    }

    private void list(RoutingContext ctx) {
        json.send(ctx, 200, body).onFailure(ctx::fail);
    }

    private static Map<String, Object> model(ModelSpec spec) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", spec.name());
        m.put("object", "model");
        m.put("created", CREATED);
        m.put("owned_by", spec.ownedBy());
        return m;
    }
}
