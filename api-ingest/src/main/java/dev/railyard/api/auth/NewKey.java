package dev.railyard.api.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.api.http.ApiException;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validated {@code POST /v1/admin/keys} body: {@code {"tenant", "name"?, "scopes": [...], "requests_per_minute"?}}.
 *
 * @param requestsPerMinute null for the edge's default
 */
public record NewKey(String tenant, String name, Set<Scope> scopes, Integer requestsPerMinute) {
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final int MAX_NAME = 200;
    static final int MAX_RPM = 1_000_000;

    public NewKey {
        scopes = Set.copyOf(scopes);
    }

    /** @throws ApiException a 400 naming the field */
    public static NewKey read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("invalid_json", null, "expected a JSON object with tenant and scopes");
        }
        JsonNode tenant = body.get("tenant");
        if (tenant == null || tenant.isNull()) {
            throw ApiException.invalid("missing_field", "tenant", "tenant is required");
        }
        if (!tenant.isTextual() || !TENANT.matcher(tenant.asText()).matches()) {
            throw ApiException.invalid("invalid_value", "tenant",
                    "tenant must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        JsonNode name = body.get("name");
        if (name != null && !name.isNull() && (!name.isTextual() || name.asText().length() > MAX_NAME)) {
            throw ApiException.invalid("invalid_value", "name", "name must be a string of at most " + MAX_NAME + " characters");
        }
        return new NewKey(tenant.asText(), name == null || name.isNull() ? null : name.asText(), scopes(body.get("scopes")),
                requestsPerMinute(body.get("requests_per_minute")));
    }

    private static Set<Scope> scopes(JsonNode node) {
        if (node == null || node.isNull()) {
            throw ApiException.invalid("missing_field", "scopes", "scopes is required: a list of submit, read, admin");
        }
        if (!node.isArray() || node.isEmpty()) {
            throw ApiException.invalid("invalid_value", "scopes", "scopes must be a non-empty list of submit, read, admin");
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (JsonNode s : node) {
            scopes.add(Scope.of(s.asText()).filter(x -> s.isTextual()).orElseThrow(() -> ApiException.invalid("invalid_value",
                    "scopes", "unknown scope " + s + "; expected submit, read or admin")));
        }
        return scopes;
    }

    private static Integer requestsPerMinute(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < 1 || node.asInt() > MAX_RPM) {
            throw ApiException.invalid("invalid_value", "requests_per_minute",
                    "requests_per_minute must be an integer from 1 to " + MAX_RPM + ", got " + node);
        }
        return node.asInt();
    }
}
