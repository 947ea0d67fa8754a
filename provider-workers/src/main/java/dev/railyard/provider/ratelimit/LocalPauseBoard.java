package dev.railyard.provider.ratelimit;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/** Pauses known to this JVM only. */
public final class LocalPauseBoard implements PauseBoard {
    private final ConcurrentHashMap<String, Instant> pauses = new ConcurrentHashMap<>();

    @Override
    public void pause(String scope, Instant until, String reason) {
        pauses.merge(scope, until, (a, b) -> a.isAfter(b) ? a : b);
    }

    @Override
    public Instant pausedUntil(String scope) {
        return pauses.getOrDefault(scope, Instant.EPOCH);
    }
}
