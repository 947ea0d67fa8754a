package dev.railyard.api.auth;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests per minute per API key, a token bucket per key refilled evenly over the minute (a burst of the whole
 * minute's allowance is allowed). The buckets live in this process: with N api-ingest instances behind a load
 * balancer a key gets up to N times its limit. That bounds abuse per instance, which is what this is for;
 * provider quotas are enforced across every worker elsewhere (docs/flow-control.md).
 */
public final class RequestLimits {
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final int defaultPerMinute;
    private final TimeMeter time;
    private final ConcurrentHashMap<String, Limited> buckets = new ConcurrentHashMap<>();

    private record Limited(int perMinute, Bucket bucket) {
    }

    public RequestLimits(int defaultPerMinute) {
        this(defaultPerMinute, TimeMeter.SYSTEM_MILLISECONDS);
    }

    RequestLimits(int defaultPerMinute, TimeMeter time) {
        this.defaultPerMinute = defaultPerMinute;
        this.time = time;
    }

    /** Takes one request from the key's allowance. @param perMinute the key's own limit, or null for the default */
    public RequestLimit take(String keyId, Integer perMinute) {
        int limit = perMinute == null ? defaultPerMinute : perMinute;
        // A changed limit starts a fresh bucket.
        Limited limited = buckets.compute(keyId, (id, old) -> old != null && old.perMinute() == limit ? old : new Limited(limit, bucket(limit)));
        ConsumptionProbe probe = limited.bucket().tryConsumeAndReturnRemaining(1);
        long remaining = probe.getRemainingTokens();
        Duration untilFull = WINDOW.multipliedBy(limit - remaining).dividedBy(limit);
        return new RequestLimit(probe.isConsumed(), limit, remaining, untilFull, Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    /** Forgets a key's bucket (it was revoked). */
    public void forget(String keyId) {
        buckets.remove(keyId);
    }

    private Bucket bucket(int perMinute) {
        return Bucket.builder().withCustomTimePrecision(time)
                .addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, WINDOW).build())
                .build();
    }
}
