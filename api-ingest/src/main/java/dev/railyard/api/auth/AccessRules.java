package dev.railyard.api.auth;

import io.vertx.core.http.HttpMethod;
import java.util.Optional;
import java.util.Set;

/**
 * Which scope a request needs, by method and path, for every route of the edge, including the ones other modules
 * mount (budgets, spend, estimates, deployments): reads need {@code read}; creating work needs {@code submit};
 * keys, changing budgets, the cross-tenant ledger reconciliation and dead letters need {@code admin}. Health, readiness,
 * metrics and the OpenAPI document need no key, so probes, scrapers and client generators keep working; nor do the web
 * console's static files (docs/console.md), whose pages call the API with the key the user gives them.
 */
public final class AccessRules {
    private static final Set<String> PUBLIC = Set.of("/healthz", "/readyz", "/metrics", "/openapi.yaml");
    private static final String CONSOLE = "/console";

    private AccessRules() {
    }

    /** @param path the normalised path (no {@code //} or {@code ..} left to slip past a prefix); empty: no key needed */
    public static Optional<Scope> required(HttpMethod method, String path) {
        if (PUBLIC.contains(path)) {
            return Optional.empty();
        }
        boolean reads = method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS;
        if (reads && under(path, CONSOLE)) {
            return Optional.empty();
        }
        if (under(path, "/v1/admin") || under(path, "/v1/spend/reconciliation") || path.equals("/v1/webhooks/secret")
                || under(path, "/v1/dead-letters")) {
            return Optional.of(Scope.ADMIN);
        }
        if (under(path, "/v1/budgets")) {
            return Optional.of(reads ? Scope.READ : Scope.ADMIN);
        }
        return Optional.of(reads ? Scope.READ : Scope.SUBMIT);
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }
}
