package dev.railyard.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessRulesTest {

    @ParameterizedTest(name = "{0} {1} needs {2}")
    @CsvSource({
            "GET, /healthz, none",
            "GET, /readyz, none",
            "GET, /metrics, none",
            "GET, /openapi.yaml, none",
            "GET, /console, none",
            "GET, /console/app.js, none",
            "POST, /console/app.js, submit",
            "GET, /consoles, read",
            "GET, /v1/jobs, read",
            "GET, /v1/jobs/job_1/attempts, read",
            "GET, /v1/stats, read",
            "POST, /v1/jobs, submit",
            "POST, /v1/batches, submit",
            "POST, /v1/batches/batch_1/cancel, submit",
            "POST, /v1/files, submit",
            "DELETE, /v1/files/file-1, submit",
            "POST, /v1/estimates, submit",
            "POST, /v1/chat/completions, submit",
            "GET, /v1/jobs/job_1, read",
            "GET, /v1/batches, read",
            "GET, /v1/batches/batch_1/output, read",
            "GET, /v1/models, read",
            "GET, /v1/spend, read",
            "GET, /v1/deployments, read",
            "GET, /v1/budgets, read",
            "GET, /v1/budgets/b1, read",
            "POST, /v1/budgets, admin",
            "PATCH, /v1/budgets/b1, admin",
            "DELETE, /v1/budgets/b1, admin",
            "GET, /v1/spend/reconciliation, admin",
            "GET, /v1/admin/keys, admin",
            "POST, /v1/admin/keys, admin",
            "DELETE, /v1/admin/keys/key_1, admin",
            "GET, /v1/admin, admin",
            "GET, /v1/webhooks/secret, admin",
            "GET, /v1/dead-letters, admin",
            "POST, /v1/dead-letters/17/replay, admin",
            "GET, /v1/webhooks/events, read",
            "GET, /v1/administrator, read",
            "GET, /v1/budgetsx, read",
            "GET, /metrics/extra, read",
            "GET, /unknown, read",
    })
    void every_route_needs_the_scope_of_what_it_does(String method, String path, String scope) {
        assertThat(AccessRules.required(HttpMethod.valueOf(method), path).map(Scope::code).orElse("none")).isEqualTo(scope);
    }
}
