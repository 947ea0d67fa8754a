package dev.railyard.provider.ratelimit;

import java.time.Instant;

/** The job's deadline came while it waited for quota: it must end as expired, not run late. */
public final class QuotaWaitExpired extends RuntimeException {
    public QuotaWaitExpired(String deploymentId, Instant deadline) {
        super("deadline " + deadline + " passed while waiting for the rate limit of deployment '" + deploymentId + "'");
    }
}
