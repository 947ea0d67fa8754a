package dev.railyard.api.http;

import dev.railyard.api.auth.Caller;
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
