package dev.railyard.provider.ratelimit;

import java.time.Instant;

/**
 * Scopes (a deployment, a provider key) a provider told us to leave alone until some time: a 429 with
 * Retry-After, or a quota reported exhausted until its reset. Neither method blocks: a pause holds in this JVM
 * from the moment {@link #pause} returns, and is shared with other workers in the background.
 */
public interface PauseBoard extends AutoCloseable {
    /** Holds every call in {@code scope} until {@code until}; an earlier pause never shortens a later one. */
    void pause(String scope, Instant until, String reason);

    /** Until when the scope is paused, or {@link Instant#EPOCH} when it is not. */
    Instant pausedUntil(String scope);

    @Override
    default void close() {
    }
}
