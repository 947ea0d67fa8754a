package dev.railyard.api.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.railyard.api.auth.Caller;
import dev.railyard.api.http.ApiException;
import dev.railyard.api.http.Blocking;
import dev.railyard.api.http.HttpJson;
import dev.railyard.api.idempotency.IdempotencyStore.Held;
import dev.railyard.api.idempotency.RecordingResponse.Recorded;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Idempotency-Key} on every {@code POST /v1/…}, whichever module mounts the route: the first request with a
 * key claims it (per tenant) and its answer is stored when it ends; a retry with the same method, path, query and
 * body gets that answer again with {@code Idempotent-Replayed: true} and creates nothing; the same key with a
 * different request is a 422, and a retry while the first is still running a 409. Keys are kept 24 hours. Server
 * errors (5xx) are not stored: the claim is released so a retry runs again. Multipart bodies (file uploads) are
 * not read here, so for them only method, path and query are compared. Key creation ({@code /v1/admin/keys}) is left
 * alone: its answer carries a secret that must not be stored.
 */
public final class IdempotentPosts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IdempotentPosts.class);
    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED = "Idempotent-Replayed";
    static final int MAX_KEY_LENGTH = 255;
    static final Duration RETENTION = Duration.ofHours(24);
    /** A claim in flight this long is taken to be orphaned (its instance died) and may be claimed again. */
    static final Duration LEASE = Duration.ofMinutes(30);
    static final int MAX_RECORDED_BYTES = 4 * 1024 * 1024;
    private static final Duration PURGE_EVERY = Duration.ofHours(1);
    private static final Set<String> NOT_STORED = Set.of("content-length", "transfer-encoding", "connection", "keep-alive", "date");

    private final IdempotencyStore store;
    private final Blocking blocking;
    private final HttpJson json;
    private final Vertx vertx;
    private final BodyHandler bodies;
    private volatile long timer = -1;

    private sealed interface Decision permits Claimed, Replay, Refused {
    }

    private record Claimed(Instant token) implements Decision {
    }

    private record Replay(Held held) implements Decision {
    }

    private record Refused(ApiException error) implements Decision {
    }

    /** @param maxBodyBytes the edge's body limit, applied when this reads a body before the route does */
    public IdempotentPosts(DataSource dataSource, Blocking blocking, HttpJson json, Vertx vertx, long maxBodyBytes) {
        this.store = new IdempotencyStore(dataSource);
        this.blocking = blocking;
        this.json = json;
        this.vertx = vertx;
        this.bodies = BodyHandler.create(false).setBodyLimit(maxBodyBytes).setMergeFormAttributes(false)
                .setPreallocateBodyBuffer(true);
    }

    /** The server's request handler: a POST with a key gets a recording response, then the router takes it. */
    public Handler<HttpServerRequest> recording(Router router) {
        return request -> router.handle(request.method() == HttpMethod.POST && request.getHeader(HEADER) != null
                && request instanceof HttpServerRequestInternal internal ? new RecordingRequest(internal, MAX_RECORDED_BYTES) : request);
    }

    /**
     * Mounts the check before every route: the body is read here (later body handlers see it read and pass), so it
     * can be compared. Install after the auth handler, whose caller gives the tenant.
     */
    public void install(Router router, int order) {
        router.route().order(order).handler(this::readBody).handler(this::claim);
    }

    /** Deletes expired keys every hour. */
    public void start() {
        timer = vertx.setPeriodic(PURGE_EVERY.toMillis(), id -> blocking.run(store::purgeExpired)
                .onFailure(e -> LOG.warn("could not delete expired idempotency keys; the next run tries again", e)));
    }

    private static boolean applies(RoutingContext ctx, String key) {
        String path = ctx.normalizedPath();
        return key != null && ctx.request().method() == HttpMethod.POST && path.startsWith("/v1/")
                && !path.startsWith("/v1/admin/keys") && Caller.of(ctx) != null;
    }

    private static boolean multipart(RoutingContext ctx) {
        String type = ctx.request().getHeader("content-type");
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/");
    }

    private void readBody(RoutingContext ctx) {
        String key = ctx.request().getHeader(HEADER);
        if (!applies(ctx, key)) {
            ctx.next();
        } else if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            ctx.fail(ApiException.invalid("invalid_idempotency_key", HEADER,
                    HEADER + " must be 1 to " + MAX_KEY_LENGTH + " characters, got " + key.length()));
        } else if (multipart(ctx)) {
            ctx.next();
        } else {
            bodies.handle(ctx);
        }
    }

    private void claim(RoutingContext ctx) {
        String key = ctx.request().getHeader(HEADER);
        if (!applies(ctx, key) || !(ctx.response() instanceof RecordingResponse recording)) {
            ctx.next();
            return;
        }
        HttpServerRequest request = ctx.request();
        String tenant = Caller.of(ctx).tenant();
        String method = request.method().name();
        String target = ctx.normalizedPath() + (request.query() == null ? "" : "?" + request.query());
        Buffer body = ctx.body() == null || ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
        byte[] hash = fingerprint(method, target, multipart(ctx) ? null : body);
        boolean paused = !request.isEnded();
        if (paused) {
            request.pause(); // a multipart body is still arriving, for the route to read
        }
        blocking.run(() -> decide(tenant, key, method, target, hash)).onComplete(ar -> {
            if (paused) {
                request.resume();
            }
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            switch (ar.result()) {
                case Claimed claimed -> {
                    recording.onEnd(answer -> settle(tenant, key, claimed.token(), answer));
                    ctx.next();
                }
                case Replay replay -> replay(ctx, replay.held());
                case Refused refused -> ctx.fail(refused.error());
            }
        });
    }

    private Decision decide(String tenant, String key, String method, String target, byte[] hash) throws SQLException {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<Instant> token = store.claim(tenant, key, method, target, hash, RETENTION, LEASE);
            if (token.isPresent()) {
                return new Claimed(token.get());
            }
            Optional<Held> held = store.find(tenant, key);
            if (held.isEmpty()) {
                continue; // released or expired between the two statements: claim again
            }
            if (!MessageDigest.isEqual(held.get().requestHash(), hash)) {
                return new Refused(new ApiException(422, "idempotency_key_reused", HEADER, "this " + HEADER
                        + " was used for a different request (method, path or body) in the last 24 hours; use a new key"));
            }
            if (held.get().inFlight()) {
                return new Refused(new ApiException(409, "idempotency_key_in_use", HEADER, "a request with this " + HEADER
                        + " is still being processed; retry once it has been answered"));
            }
            return new Replay(held.get());
        }
        throw new IllegalStateException(HEADER + " '" + key + "' kept changing hands while being claimed");
    }

    private void settle(String tenant, String key, Instant token, Recorded answer) {
        boolean keep = answer.status() < 500 && answer.body() != null;
        blocking.run(() -> {
            if (keep) {
                store.complete(tenant, key, token, answer.status(), headers(answer), answer.body().getBytes());
            } else {
                store.release(tenant, key, token);
            }
            return null;
        }).onFailure(e -> LOG.error("could not {} idempotency key of tenant {}: retries get 409 until the claim's lease ({}) ends",
                keep ? "store the answer to" : "release", tenant, LEASE, e));
    }

    private String headers(Recorded answer) {
        ArrayNode pairs = json.mapper().createArrayNode();
        for (Map.Entry<String, String> h : answer.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            // Rate-limit headers describe the request that carries them; a replay gets its own.
            if (!NOT_STORED.contains(name) && !name.startsWith("x-ratelimit-")) {
                pairs.addArray().add(h.getKey()).add(h.getValue());
            }
        }
        return pairs.toString();
    }

    private void replay(RoutingContext ctx, Held held) {
        JsonNode pairs;
        try {
            pairs = json.mapper().readTree(held.headersJson());
        } catch (JsonProcessingException e) {
            ctx.fail(e);
            return;
        }
        HttpServerResponse response = ctx.response();
        response.setStatusCode(held.status());
        pairs.forEach(pair -> response.headers().remove(pair.get(0).asText()));
        pairs.forEach(pair -> response.headers().add(pair.get(0).asText(), pair.get(1).asText()));
        response.putHeader(REPLAYED, "true").end(Buffer.buffer(held.body() == null ? new byte[0] : held.body()));
    }

    /** SHA-256 of method, path with query, and body (or a marker where the body is not read). */
    static byte[] fingerprint(String method, String target, Buffer body) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        sha.update((method + " " + target + "\n").getBytes(StandardCharsets.UTF_8));
        if (body == null) {
            sha.update("(body not compared)".getBytes(StandardCharsets.UTF_8));
        } else {
            for (int from = 0; from < body.length(); from += 1 << 16) {
                sha.update(body.getBytes(from, Math.min(body.length(), from + (1 << 16))));
            }
        }
        return sha.digest();
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
