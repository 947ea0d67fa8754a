package dev.railyard.api.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.api.http.ApiException;
import dev.railyard.api.http.Blocking;
import dev.railyard.api.http.HttpJson;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

/**
 * The keys admin API (admin scope, see {@link AccessRules}): {@code POST /v1/admin/keys} creates a key and shows its
 * secret in that one answer only; {@code GET /v1/admin/keys[?tenant=]} and {@code GET /v1/admin/keys/{id}} show keys
 * without secrets; {@code DELETE /v1/admin/keys/{id}} revokes one.
 */
public final class KeyRoutes {
    private static final long MAX_BODY_BYTES = 64 * 1024;

    private final ApiKeyStore store;
    private final KeyDirectory directory;
    private final RequestLimits limits;
    private final KeySecrets secrets;
    private final Blocking blocking;
    private final HttpJson json;

    public KeyRoutes(ApiKeyStore store, KeyDirectory directory, RequestLimits limits, KeySecrets secrets, Blocking blocking,
                     HttpJson json) {
        this.store = store;
        this.directory = directory;
        this.limits = limits;
        this.secrets = secrets;
        this.blocking = blocking;
        this.json = json;
    }

    public void mount(Router router) {
        router.post("/v1/admin/keys").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)).handler(this::create);
        router.get("/v1/admin/keys").handler(this::list);
        router.get("/v1/admin/keys/:id").handler(this::get);
        router.delete("/v1/admin/keys/:id").handler(this::revoke);
    }

    private void create(RoutingContext ctx) {
        Caller caller = Caller.of(ctx);
        byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        blocking.run(() -> {
                    NewKey key = NewKey.read(parse(body));
                    String secret = secrets.newSecret();
                    ApiKey created = store.create(key, secrets.newId(), KeySecrets.hash(secret), KeySecrets.shown(secret),
                            caller == null || caller.keyId() == null);
                    directory.created();
                    return render(created).put("secret", secret);
                })
                .compose(created -> json.send(ctx, 201, created))
                .onFailure(ctx::fail);
    }

    private JsonNode parse(byte[] body) {
        try {
            return json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid("invalid_json", null, "request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void list(RoutingContext ctx) {
        String tenant = ctx.request().getParam("tenant");
        blocking.run(() -> {
                    List<ApiKey> keys = store.list(tenant);
                    ObjectNode body = json.mapper().createObjectNode().put("object", "list");
                    ArrayNode data = body.putArray("data");
                    keys.forEach(k -> data.add(render(k)));
                    return body;
                })
                .compose(body -> json.send(ctx, 200, body))
                .onFailure(ctx::fail);
    }

    private void get(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        blocking.run(() -> store.find(id).orElseThrow(() -> ApiException.notFound("id", "no API key with id '" + id + "'")))
                .compose(key -> json.send(ctx, 200, render(key)))
                .onFailure(ctx::fail);
    }

    private void revoke(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        blocking.run(() -> store.revoke(id).orElseThrow(() -> ApiException.notFound("id", "no API key with id '" + id + "'")))
                .compose(key -> {
                    directory.revoked(key.id());
                    limits.forget(key.id());
                    return json.send(ctx, 200, render(key));
                })
                .onFailure(ctx::fail);
    }

    private ObjectNode render(ApiKey key) {
        ObjectNode o = json.mapper().createObjectNode()
                .put("id", key.id())
                .put("object", "api_key")
                .put("tenant", key.tenant())
                .put("name", key.name());
        ArrayNode scopes = o.putArray("scopes");
        EnumSet.copyOf(key.scopes()).forEach(s -> scopes.add(s.code()));
        o.put("prefix", key.prefix());
        if (key.requestsPerMinute() == null) {
            o.putNull("requests_per_minute");
        } else {
            o.put("requests_per_minute", key.requestsPerMinute());
        }
        epoch(o, "created_at", key.createdAt());
        epoch(o, "last_used_at", key.lastUsedAt());
        epoch(o, "revoked_at", key.revokedAt());
        return o;
    }

    private static void epoch(ObjectNode o, String field, Instant at) {
        if (at == null) {
            o.putNull(field);
        } else {
            o.put(field, at.getEpochSecond());
        }
    }
}
