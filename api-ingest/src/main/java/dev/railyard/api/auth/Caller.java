package dev.railyard.api.auth;

import dev.railyard.api.http.TenantResolver;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who is making a request, as the auth handler resolved it before any route ran. It is put into the routing
 * context under {@link #CONTEXT_KEY}; for code that must not depend on api-ingest (budget-service's routes), the
 * tenant (a {@code String}) and the scope codes (a {@code Set<String>}) are also put under {@link #TENANT_KEY} and
 * {@link #SCOPES_KEY}.
 *
 * @param keyId the API key's id, or null when the API is open (no key configured) or the key is being bootstrapped
 */
public record Caller(String tenant, String keyId, Set<Scope> scopes) {
    public static final String CONTEXT_KEY = "railyard.caller";
    public static final String TENANT_KEY = "railyard.tenant";
    public static final String SCOPES_KEY = "railyard.scopes";

    public Caller {
        scopes = Set.copyOf(scopes);
    }

    /** Every request of an open API (no key exists): the default tenant, every scope. */
    public static Caller open() {
        return new Caller(TenantResolver.DEFAULT_TENANT, null, EnumSet.allOf(Scope.class));
    }

    /** A request without a key creating the first key, while none exists and keys are required. */
    public static Caller bootstrap() {
        return new Caller(TenantResolver.DEFAULT_TENANT, null, EnumSet.of(Scope.ADMIN));
    }

    public boolean has(Scope scope) {
        return scopes.contains(scope);
    }

    public void putInto(RoutingContext ctx) {
        ctx.put(CONTEXT_KEY, this);
        ctx.put(TENANT_KEY, tenant);
        ctx.put(SCOPES_KEY, scopes.stream().map(Scope::code).collect(Collectors.toUnmodifiableSet()));
    }

    /** The caller of a request, or null on the public paths (health, readiness, metrics) that need no key. */
    public static Caller of(RoutingContext ctx) {
        return ctx.get(CONTEXT_KEY);
    }
}
