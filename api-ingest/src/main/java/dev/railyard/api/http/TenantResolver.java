package dev.railyard.api.http;

import dev.railyard.api.auth.Caller;
import dev.railyard.api.auth.Scope;
import io.vertx.ext.web.RoutingContext;

/**
 * The one place a request's tenant is decided: the tenant of the API key the auth handler resolved before any
 * route ran ({@code default} while the API is open, docs/auth.md). Every handler asks here, so every read and write
 * is scoped to the caller's tenant.
 */
public final class TenantResolver {
    public static final String DEFAULT_TENANT = "default";

    public String tenant(RoutingContext ctx) {
        return caller(ctx).tenant();
    }

    /**
     * The tenant a read may look at: the caller's own unless {@code requested} names another, which needs the admin
     * scope (as reading another tenant's spend does). A 403 naming {@code tenant} otherwise.
     */
    public String readable(RoutingContext ctx, String requested) {
        Caller caller = caller(ctx);
        if (requested == null || requested.isEmpty() || requested.equals(caller.tenant())) {
            return caller.tenant();
        }
        if (!caller.has(Scope.ADMIN)) {
            throw new ApiException(403, "insufficient_scope", "tenant", "reading another tenant's jobs needs the 'admin' scope");
        }
        return requested;
    }

    /** The id of the API key the request came with, or null while the API is open (recorded on jobs). */
    public String apiKeyId(RoutingContext ctx) {
        return caller(ctx).keyId();
    }

    private static Caller caller(RoutingContext ctx) {
        Caller caller = Caller.of(ctx);
        if (caller == null) {
            // Fails closed: a route that needs a tenant but was reached without the auth handler is a wiring bug.
            throw new IllegalStateException("no caller for " + ctx.request().method() + " " + ctx.request().path()
                    + ": the auth handler did not run");
        }
        return caller;
    }
}
