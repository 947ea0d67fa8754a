package dev.railyard.api.auth;

import dev.railyard.api.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * The first handler of every request: resolves the caller from {@code Authorization: Bearer <key>} or
 * {@code x-api-key: <key>}, applies the key's request limit, checks the route's scope (see {@link AccessRules}) and
 * puts the {@link Caller} into the routing context, where {@code TenantResolver} and other modules' routes read it.
 *
 * <p>While no key exists and keys are not required, the API is open: every request runs as the default tenant with
 * every scope (a key sent anyway, such as an SDK's placeholder, is ignored). Without a key, only the bootstrap
 * request, creating the first key, is allowed while no key exists.
 *
 * <p>The request is paused while its key is looked up, so no body bytes are lost before a body handler reads them.
 */
public final class AuthHandler implements Handler<RoutingContext> {
    private static final String KEYS_PATH = "/v1/admin/keys";

    private final KeyDirectory keys;
    private final RequestLimits limits;
    private final boolean required;

    /** @param required keys are required even while none exists (only the first key can then be created without one) */
    public AuthHandler(KeyDirectory keys, RequestLimits limits, boolean required) {
        this.keys = keys;
        this.limits = limits;
        this.required = required;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Optional<Scope> needed = AccessRules.required(request.method(), ctx.normalizedPath());
        if (needed.isEmpty()) {
            ctx.next();
            return;
        }
        String secret = presented(request);
        if (secret == null) {
            if (open()) {
                admit(ctx, Caller.open(), needed.get(), null);
            } else if (!keys.anyKey() && isBootstrap(ctx)) {
                admit(ctx, Caller.bootstrap(), Scope.ADMIN, null);
            } else {
                reject(ctx, "no API key: send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'");
            }
            return;
        }
        boolean paused = !request.isEnded();
        if (paused) {
            request.pause();
        }
        keys.resolve(secret).onComplete(ar -> {
            if (paused) {
                // Buffered body bytes arrive on a later turn of the event loop; by then the next handlers, run
                // below in this turn, have set up whatever reads the body.
                request.resume();
            }
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else if (ar.result().isPresent()) {
                ApiKey key = ar.result().get();
                admit(ctx, key.caller(), needed.get(), key);
            } else if (open()) {
                admit(ctx, Caller.open(), needed.get(), null);
            } else {
                reject(ctx, "invalid API key: it is unknown or revoked");
            }
        });
    }

    private boolean open() {
        return !required && !keys.anyKey();
    }

    private static boolean isBootstrap(RoutingContext ctx) {
        return ctx.request().method() == HttpMethod.POST && KEYS_PATH.equals(ctx.normalizedPath());
    }

    private void admit(RoutingContext ctx, Caller caller, Scope needed, ApiKey key) {
        if (key != null) {
            RequestLimit limit = limits.take(key.id(), key.requestsPerMinute());
            limit.writeTo(ctx.response());
            if (!limit.allowed()) {
                ctx.fail(new ApiException(429, "rate_limit_exceeded", null, "rate limit of " + limit.limit()
                        + " requests per minute reached for this API key; retry after " + limit.retryAfterSeconds() + " s"));
                return;
            }
        }
        if (!caller.has(needed)) {
            ctx.fail(new ApiException(403, "insufficient_scope", null, "this API key lacks the '" + needed.code()
                    + "' scope, which " + ctx.request().method() + " " + ctx.normalizedPath() + " needs"));
            return;
        }
        caller.putInto(ctx);
        ctx.next();
    }

    private static void reject(RoutingContext ctx, String message) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"railyard\"");
        ctx.fail(new ApiException(401, "invalid_api_key", null, message));
    }

    /** The secret from {@code Authorization: Bearer …} (OpenAI clients) or {@code x-api-key} (Anthropic clients). */
    static String presented(HttpServerRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String secret = authorization.substring(7).trim();
            return secret.isEmpty() ? null : secret;
        }
        String apiKey = request.getHeader("x-api-key");
        return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }
}
