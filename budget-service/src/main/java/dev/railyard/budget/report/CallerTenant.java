package dev.railyard.budget.report;

import io.vertx.ext.web.RoutingContext;
import java.util.Collection;

/**
 * Which tenant a request may see, as api-ingest's auth handler left it in the routing context (docs/auth.md): the
 * tenant as a {@code String} under {@code railyard.tenant} and the scope codes as a collection under
 * {@code railyard.scopes}. budget-service does not depend on api-ingest; the two agree on these key strings.
 */
public final class CallerTenant {
    public static final String TENANT_KEY = "railyard.tenant";
    public static final String SCOPES_KEY = "railyard.scopes";

    private CallerTenant() {
    }

    /**
     * The one tenant the caller may see, or null when it may see every tenant: an admin key, or routes mounted without
     * api-ingest's auth in front (a trusted caller).
     */
    public static String restriction(RoutingContext ctx) {
        Object tenant = ctx.get(TENANT_KEY);
        Object scopes = ctx.get(SCOPES_KEY);
        boolean admin = scopes instanceof Collection<?> codes && codes.contains("admin");
        return tenant instanceof String t && !admin ? t : null;
    }
}
