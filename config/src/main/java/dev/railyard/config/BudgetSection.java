package dev.railyard.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Validates the {@code budgets:} section: a list of
 * {@code {id, scope: global|tenant|api_key|project|tag|model|provider, <scope>: value, period, limit_usd,
 * action: reject|defer|warn, alert_at: [50, 80, 100], alert_webhook: url}}.
 * The scope value sits under a key named after the scope ({@code tenant: team-a}, {@code api_key: key_abc});
 * a model or provider scope must name a configured model or provider.
 */
final class BudgetSection {
    private static final List<String> SCOPE_VALUE_FIELDS = List.of("tenant", "api_key", "project", "tag", "model", "provider");
    private static final Set<String> FIELDS = fields();

    private final Map<String, ProviderConfig> providers;
    private final Map<String, ModelSpec> models;
    private final List<String> problems;

    BudgetSection(Map<String, ProviderConfig> providers, Map<String, ModelSpec> models, List<String> problems) {
        this.providers = providers;
        this.models = models;
        this.problems = problems;
    }

    List<BudgetSpec> parse(JsonNode node) {
        List<BudgetSpec> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            problems.add("budgets: must be a list of budgets");
            return out;
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String key = "budgets[" + i + "]";
            JsonNode b = node.get(i);
            if (!b.isObject()) {
                problems.add(key + ": must be a mapping with id, scope, period, limit_usd and action");
                continue;
            }
            int before = problems.size();
            BudgetSpec spec = budget(key, b, ids);
            if (problems.size() == before) {
                out.add(spec);
            }
        }
        return out;
    }

    private BudgetSpec budget(String key, JsonNode b, Set<String> ids) {
        b.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                problems.add(key + "." + f + ": unknown budget setting, expected one of " + FIELDS);
            }
        });
        String id = b.path("id").asText("");
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            problems.add(key + ".id: required; letters, digits, '.', '_' and '-', got '" + id + "'");
        } else if (!ids.add(id)) {
            problems.add(key + ".id: duplicate budget id '" + id + "'");
        }
        BudgetSpec.Scope scope = choice(b, "scope", BudgetSpec.Scope.class, key);
        String value = scope == null ? null : scopeValue(b, scope, key);
        BudgetPeriod period = choice(b, "period", BudgetPeriod.class, key);
        BudgetSpec.Action action = choice(b, "action", BudgetSpec.Action.class, key);
        BigDecimal limit = limit(b, key);
        List<Integer> alertAt = alertAt(b, key);
        String webhook = webhook(b, key);
        if (scope == null || period == null || action == null || limit == null || alertAt == null) {
            return null;
        }
        return new BudgetSpec(id, scope, value, period, limit, action, alertAt, webhook);
    }

    private static Set<String> fields() {
        Set<String> fields = new LinkedHashSet<>(List.of("id", "scope"));
        fields.addAll(SCOPE_VALUE_FIELDS);
        fields.addAll(List.of("period", "limit_usd", "action", "alert_at", "alert_webhook"));
        return Collections.unmodifiableSet(fields);
    }

    /** Percent thresholds, positive whole numbers in ascending order; the defaults when absent. */
    private List<Integer> alertAt(JsonNode b, String key) {
        JsonNode v = b.get("alert_at");
        if (v == null || v.isNull()) {
            return BudgetSpec.DEFAULT_ALERT_AT;
        }
        if (!v.isArray()) {
            problems.add(key + ".alert_at: must be a list of percentages, e.g. [50, 80, 100]");
            return null;
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode t = v.get(i);
            if (!t.canConvertToInt() || !t.isIntegralNumber() || t.asInt() <= 0) {
                problems.add(key + ".alert_at[" + i + "]: must be a positive whole percentage, got '" + t.asText() + "'");
                return null;
            }
            if (!out.isEmpty() && t.asInt() <= out.get(out.size() - 1)) {
                problems.add(key + ".alert_at[" + i + "]: thresholds must be in ascending order, got " + t.asInt()
                        + " after " + out.get(out.size() - 1));
                return null;
            }
            out.add(t.asInt());
        }
        return List.copyOf(out);
    }

    private String webhook(JsonNode b, String key) {
        JsonNode v = b.get("alert_webhook");
        if (v == null || v.isNull()) {
            return null;
        }
        String url = v.asText("");
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add(key + ".alert_webhook: must be an http(s) URL, got '" + url + "'");
        return null;
    }

    private String scopeValue(JsonNode b, BudgetSpec.Scope scope, String key) {
        for (String f : SCOPE_VALUE_FIELDS) {
            if (b.has(f) && !f.equals(scope.code())) {
                problems.add(key + "." + f + ": only a " + f + " budget names a " + f + " (this one has scope " + scope.code() + ")");
            }
        }
        if (scope == BudgetSpec.Scope.GLOBAL) {
            return null;
        }
        String field = scope.code();
        String value = b.path(field).asText("");
        if (value.isBlank()) {
            problems.add(key + "." + field + ": required for " + (field.startsWith("a") ? "an " : "a ") + field + " budget");
        } else if (scope == BudgetSpec.Scope.MODEL && !models.containsKey(value)) {
            problems.add(key + ".model: '" + value + "' is not in models");
        } else if (scope == BudgetSpec.Scope.PROVIDER && !providers.containsKey(value)) {
            problems.add(key + ".provider: unknown provider '" + value + "', expected one of " + providers.keySet());
        }
        return value;
    }

    private <E extends Enum<E>> E choice(JsonNode b, String field, Class<E> type, String key) {
        List<String> allowed = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        JsonNode v = b.get(field);
        if (v == null || v.isNull() || !v.isTextual()) {
            problems.add(key + "." + field + ": required, one of " + allowed);
            return null;
        }
        if (!allowed.contains(v.asText())) {
            problems.add(key + "." + field + ": unknown " + field + " '" + v.asText() + "', expected one of " + allowed);
            return null;
        }
        return Enum.valueOf(type, v.asText().toUpperCase(Locale.ROOT));
    }

    private BigDecimal limit(JsonNode b, String key) {
        JsonNode v = b.get("limit_usd");
        if (v == null || v.isNull()) {
            problems.add(key + ".limit_usd: required (US dollars per window)");
            return null;
        }
        try {
            // The loader reads YAML decimals as BigDecimal, so 0.1 stays exactly 0.1 (never a binary double).
            BigDecimal limit = new BigDecimal(v.asText());
            if (limit.signum() < 0) {
                problems.add(key + ".limit_usd: must not be negative");
                return null;
            }
            return limit;
        } catch (NumberFormatException e) {
            problems.add(key + ".limit_usd: not a number: '" + v.asText() + "'");
            return null;
        }
    }
}
