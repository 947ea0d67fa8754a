package dev.railyard.api.auth;

import java.time.Instant;
import java.util.Set;

/**
 * A stored API key, never its secret.
 *
 * @param name              what the key is for, or null
 * @param prefix            the secret's first characters, to recognise it in lists
 * @param requestsPerMinute this key's limit at the edge, or null for the edge's default
 * @param lastUsedAt        when a request last used it (updated at most every few seconds), or null
 * @param revokedAt         when it was revoked, or null
 */
public record ApiKey(String id, String tenant, String name, Set<Scope> scopes, String prefix, Integer requestsPerMinute,
                     Instant createdAt, Instant lastUsedAt, Instant revokedAt) {
    public ApiKey {
        scopes = Set.copyOf(scopes);
    }

    public Caller caller() {
        return new Caller(tenant, id, scopes);
    }
}
