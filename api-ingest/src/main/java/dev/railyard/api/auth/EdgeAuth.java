package dev.railyard.api.auth;

import dev.railyard.api.http.Blocking;
import dev.railyard.api.http.HttpJson;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** API keys at the edge: the auth handler ahead of every route, the keys admin API, and the open-mode notice at start. */
public final class EdgeAuth implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeAuth.class);
    /** Lower than any other route's order, including the ones other modules give themselves. */
    public static final int ORDER = -100;
    public static final String OPEN_NOTICE = "no API keys configured: the API is open, every request runs as tenant 'default'"
            + " (create a key with `railyard keys create` to require keys)";

    private final KeyDirectory directory;
    private final AuthHandler handler;
    private final KeyRoutes routes;
    private final boolean required;

    /**
     * @param required          keys are required even before the first exists
     * @param requestsPerMinute the limit of a key without its own
     */
    public EdgeAuth(DataSource dataSource, Blocking blocking, HttpJson json, Vertx vertx, Clock clock, boolean required,
                    int requestsPerMinute) {
        ApiKeyStore store = new ApiKeyStore(dataSource);
        RequestLimits limits = new RequestLimits(requestsPerMinute);
        this.directory = new KeyDirectory(store, blocking, vertx, clock);
        this.handler = new AuthHandler(directory, limits, required);
        this.routes = new KeyRoutes(store, directory, limits, new KeySecrets(), blocking, json);
        this.required = required;
    }

    /** Mount before anything else. */
    public void install(Router router) {
        router.route().order(ORDER).handler(handler);
        routes.mount(router);
    }

    /** Finds out whether any key exists and says what that means for this API. */
    public Future<Void> start() {
        return directory.start().map(anyKey -> {
            if (!anyKey && !required) {
                LOG.warn(OPEN_NOTICE);
            } else if (!anyKey) {
                LOG.warn("API keys are required and none exists yet: only POST /v1/admin/keys (creating the first key,"
                        + " with the admin scope) is accepted without one");
            } else {
                LOG.info("API keys are required on every request (except /healthz, /readyz, /metrics, /openapi.yaml and the /console files)");
            }
            return null;
        });
    }

    @Override
    public void close() {
        directory.close();
    }
}
