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
import java.util.function.Supplier;

/** {@code GET /v1/models}: the configured catalog in OpenAI's list shape, as railyard.yaml has it now. */
public final class ModelRoutes {
    /**
     * The catalog has no creation dates; a fixed instant (2024-05-01T00:00:00Z) keeps the field present and the
     * answer stable across restarts.
     */
    public static final long CREATED = 1_714_521_600L;

    private final Supplier<RailyardConfig> config;
    private final HttpJson json;
    /** The list of the configuration it was made from: made again only after a reload. */
    private volatile Listed listed;

    private record Listed(RailyardConfig config, Map<String, Object> body) {
    }

    public ModelRoutes(RailyardConfig config, HttpJson json) {
        this(() -> config, json);
    }

    /** Lists the models of the configuration in use at each request (railyard.yaml may be reloaded). */
    public ModelRoutes(Supplier<RailyardConfig> config, HttpJson json) {
        this.config = config;
        this.json = json;
    }

    public void mount(Router router) {
        router.get("/v1/models").handler(this::list);
    }

    private void list(RoutingContext ctx) {
        json.send(ctx, 200, body()).onFailure(ctx::fail);
    }

    private Map<String, Object> body() {
        RailyardConfig now = config.get();
        Listed l = listed;
        if (l == null || l.config() != now) {
            List<Map<String, Object>> data = now.models().values().stream()
                    .sorted(Comparator.comparing(ModelSpec::name))
                    .map(ModelRoutes::model)
                    .toList();
            Map<String, Object> list = new LinkedHashMap<>();
            list.put("object", "list");
            list.put("data", data);
            l = new Listed(now, list);
            listed = l;
        }
        return l.body();
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
