package dev.railyard.api.auth;

import dev.railyard.api.http.Blocking;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the key behind a presented secret, remembering found keys for {@link #CACHE_FOR} so a busy key costs one
 * query per interval, not one per request. A key revoked through this instance stops working at once; one revoked
 * through another instance stops within {@link #CACHE_FOR}. Also knows whether any key exists at all (the API is
 * open until one does), asked at start, after every key creation, and every {@link #PRESENCE_REFRESH}.
 */
public final class KeyDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeyDirectory.class);
    static final Duration CACHE_FOR = Duration.ofSeconds(10);
    static final Duration PRESENCE_REFRESH = Duration.ofSeconds(30);
    private static final int MAX_CACHED = 10_000;

    private final ApiKeyStore store;
    private final Blocking blocking;
    private final Vertx vertx;
    private final Clock clock;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    private volatile boolean anyKey = true; // closed until the database says otherwise
    private volatile long timer = -1;

    private record Cached(ApiKey key, Instant loadedAt) {
    }

    public KeyDirectory(ApiKeyStore store, Blocking blocking, Vertx vertx, Clock clock) {
        this.store = store;
        this.blocking = blocking;
        this.vertx = vertx;
        this.clock = clock;
    }

    /** Reads whether any key exists, then keeps that answer fresh. The future holds it. */
    public Future<Boolean> start() {
        return refresh().onSuccess(v -> timer = vertx.setPeriodic(PRESENCE_REFRESH.toMillis(), id -> refresh()
                .onFailure(e -> LOG.warn("could not check whether API keys exist; keeping the last answer ({})", anyKey ? "some" : "none", e))));
    }

    private Future<Boolean> refresh() {
        return blocking.run(store::anyExists).onSuccess(exists -> anyKey = exists);
    }

    public boolean anyKey() {
        return anyKey;
    }

    void created() {
        anyKey = true;
    }

    void revoked(String keyId) {
        cache.values().removeIf(c -> c.key().id().equals(keyId));
    }

    /** The live key with this secret, or empty (malformed, unknown or revoked). */
    public Future<Optional<ApiKey>> resolve(String secret) {
        if (!KeySecrets.wellFormed(secret)) {
            return Future.succeededFuture(Optional.empty());
        }
        byte[] hash = KeySecrets.hash(secret);
        String cacheKey = HexFormat.of().formatHex(hash);
        Instant now = clock.instant();
        Cached cached = cache.get(cacheKey);
        if (cached != null && now.isBefore(cached.loadedAt().plus(CACHE_FOR))) {
            return Future.succeededFuture(Optional.of(cached.key()));
        }
        return blocking.run(() -> store.use(hash)).map(found -> {
            if (found.isPresent()) {
                if (cache.size() >= MAX_CACHED) {
                    cache.clear();
                }
                cache.put(cacheKey, new Cached(found.get(), now));
                anyKey = true;
            } else {
                cache.remove(cacheKey);
            }
            return found;
        });
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
