package dev.railyard.api.http;

import io.vertx.ext.web.RoutingContext;

/**
 * The one place a request's tenant is decided. Every handler asks here, so when API keys arrive the
 * lookup (key → tenant) replaces this body and nothing else changes.
 */
public final class TenantResolver {
    public static final String DEFAULT_TENANT = "default";

    public String tenant(RoutingContext ctx) {
        return DEFAULT_TENANT;
    }
}
