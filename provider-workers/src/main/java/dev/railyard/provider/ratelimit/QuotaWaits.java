package dev.railyard.provider.ratelimit;

/** Told once per call that has to wait before it may start (metrics). */
@FunctionalInterface
public interface QuotaWaits {
    QuotaWaits NONE = (deploymentId, paused) -> { };

    /** @param paused true when a provider's pause holds the call, false when a configured quota does */
    void waiting(String deploymentId, boolean paused);
}
