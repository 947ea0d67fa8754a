package dev.railyard.budget.admin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.railyard.config.BudgetPeriod;
import dev.railyard.config.BudgetSpec;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads admin request bodies into budgets, with the rules of railyard.yaml's {@code budgets:} (docs/budgets.md): an id of
 * letters, digits, '.', '_' and '-'; the scope value under the key named after the scope; a model or provider that is
 * configured; a limit that is an exact, non-negative decimal; alert thresholds that are positive and ascending. The first
 * problem is reported with the field it is in.
 */
public final class BudgetRequests {
    private static final Set<String> SCOPE_FIELDS = scopeFields();
    private static final Set<String> CREATE_FIELDS = createFields();
    private static final Set<String> PATCH_FIELDS = Set.of("limit_usd", "action", "alert_at", "alert_webhook");
    /** numeric(24, 12): twelve digits either side of the point. */
    private static final int MAX_DIGITS = 12;

    // Numbers are read as exact decimals from their JSON text, keeping their scale: never through a double.
    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private final Set<String> models;
    private final Set<String> providers;

    /** @param models the configured model names; @param providers the configured provider names */
    public BudgetRequests(Set<String> models, Set<String> providers) {
        this.models = Set.copyOf(models);
        this.providers = Set.copyOf(providers);
    }

    /** {@code POST /v1/budgets}: {id, scope, <scope>: value, period, limit_usd, action, alert_at?, alert_webhook?}. */
    public BudgetSpec create(byte[] body) {
        JsonNode b = object(body);
        unknownFields(b, CREATE_FIELDS, "; a budget has " + CREATE_FIELDS);
        String id = text(b, "id");
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]*") || id.length() > 200) {
            throw BudgetRequestException.invalid("id", "id: letters, digits, '.', '_' and '-' (up to 200), got '" + id + "'");
        }
        BudgetSpec.Scope scope = choice(b, "scope", BudgetSpec.Scope.class);
        String scopeValue = scopeValue(b, scope);
        BudgetPeriod period = choice(b, "period", BudgetPeriod.class);
        BigDecimal limit = limit(b.get("limit_usd"));
        BudgetSpec.Action action = choice(b, "action", BudgetSpec.Action.class);
        List<Integer> alertAt = b.hasNonNull("alert_at") ? alertAt(b.get("alert_at")) : BudgetSpec.DEFAULT_ALERT_AT;
        String webhook = webhook(b.get("alert_webhook"));
        return new BudgetSpec(id, scope, scopeValue, period, limit, action, alertAt, webhook);
    }

    /**
     * {@code PATCH /v1/budgets/{id}}: any of limit_usd, action, alert_at, alert_webhook (null removes the webhook);
     * scope and period are what the budget's windows mean, so they do not change.
     */
    public BudgetSpec patch(BudgetSpec current, byte[] body) {
        JsonNode b = object(body);
        unknownFields(b, PATCH_FIELDS, "; only limit_usd, action, alert_at and alert_webhook change (delete and create the budget"
                + " to change the rest)");
        BigDecimal limit = b.has("limit_usd") ? limit(b.get("limit_usd")) : current.limitUsd();
        BudgetSpec.Action action = b.has("action") ? choice(b, "action", BudgetSpec.Action.class) : current.action();
        List<Integer> alertAt = !b.has("alert_at") ? current.alertAt()
                : b.get("alert_at").isNull() ? BudgetSpec.DEFAULT_ALERT_AT : alertAt(b.get("alert_at"));
        String webhook = b.has("alert_webhook") ? webhook(b.get("alert_webhook")) : current.alertWebhook();
        return new BudgetSpec(current.id(), current.scope(), current.scopeValue(), current.period(), limit, action, alertAt, webhook);
    }

    private JsonNode object(byte[] body) {
        JsonNode b;
        try {
            b = body == null || body.length == 0 ? null : mapper.readTree(body);
        } catch (IOException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw BudgetRequestException.invalid(null, "the body is not valid JSON: " + message);
        }
        if (b == null || !b.isObject()) {
            throw BudgetRequestException.invalid(null, "the body must be a JSON object");
        }
        return b;
    }

    private static void unknownFields(JsonNode b, Set<String> allowed, String hint) {
        for (var it = b.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw BudgetRequestException.invalid(f, f + ": unknown or unchangeable field" + hint);
            }
        }
    }

    private static String text(JsonNode b, String field) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) {
            throw BudgetRequestException.invalid(field, field + ": required");
        }
        if (!v.isTextual()) {
            throw BudgetRequestException.invalid(field, field + ": must be a string");
        }
        return v.asText();
    }

    private static <E extends Enum<E>> E choice(JsonNode b, String field, Class<E> type) {
        List<String> allowed = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        JsonNode v = b.get(field);
        if (v == null || v.isNull() || !v.isTextual()) {
            throw BudgetRequestException.invalid(field, field + ": required, one of " + allowed);
        }
        if (!allowed.contains(v.asText())) {
            throw BudgetRequestException.invalid(field, field + ": unknown " + field + " '" + v.asText() + "', expected one of " + allowed);
        }
        return Enum.valueOf(type, v.asText().toUpperCase(Locale.ROOT));
    }

    private String scopeValue(JsonNode b, BudgetSpec.Scope scope) {
        for (String f : SCOPE_FIELDS) {
            if (b.has(f) && !f.equals(scope.code())) {
                throw BudgetRequestException.invalid(f, f + ": only a " + f + " budget names a " + f + " (this one has scope " + scope.code() + ")");
            }
        }
        if (scope == BudgetSpec.Scope.GLOBAL) {
            return null;
        }
        String field = scope.code();
        JsonNode v = b.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw BudgetRequestException.invalid(field, field + ": required for a " + field + " budget (a string)");
        }
        String value = v.asText();
        if (scope == BudgetSpec.Scope.MODEL && !models.contains(value)) {
            throw BudgetRequestException.invalid(field, "model: '" + value + "' is not a configured model");
        }
        if (scope == BudgetSpec.Scope.PROVIDER && !providers.contains(value)) {
            throw BudgetRequestException.invalid(field, "provider: unknown provider '" + value + "', expected one of " + providers);
        }
        return value;
    }

    /** A string or a JSON number, read from its text: {@code 0.1} is exactly one tenth. */
    static BigDecimal limit(JsonNode v) {
        if (v == null || v.isNull()) {
            throw BudgetRequestException.invalid("limit_usd", "limit_usd: required (US dollars per window, a decimal string or number)");
        }
        BigDecimal limit;
        if (v.isNumber()) {
            limit = v.decimalValue();
        } else if (v.isTextual()) {
            try {
                limit = new BigDecimal(v.asText().trim());
            } catch (NumberFormatException e) {
                throw BudgetRequestException.invalid("limit_usd", "limit_usd: not a number: '" + v.asText() + "'");
            }
        } else {
            throw BudgetRequestException.invalid("limit_usd", "limit_usd: must be a decimal string or number");
        }
        if (limit.signum() < 0) {
            throw BudgetRequestException.invalid("limit_usd", "limit_usd: must not be negative");
        }
        BigDecimal exact = limit.stripTrailingZeros();
        if (exact.scale() > MAX_DIGITS || exact.precision() - exact.scale() > MAX_DIGITS) {
            throw BudgetRequestException.invalid("limit_usd", "limit_usd: at most " + MAX_DIGITS + " digits before and after the point, got "
                    + limit.toPlainString());
        }
        return limit;
    }

    static List<Integer> alertAt(JsonNode v) {
        if (!v.isArray()) {
            throw BudgetRequestException.invalid("alert_at", "alert_at: must be a list of percentages, e.g. [50, 80, 100]");
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode t : v) {
            if (!t.isIntegralNumber() || !t.canConvertToInt() || t.intValue() <= 0) {
                throw BudgetRequestException.invalid("alert_at", "alert_at: each threshold is a positive whole percentage, got " + t);
            }
            if (!out.isEmpty() && t.intValue() <= out.get(out.size() - 1)) {
                throw BudgetRequestException.invalid("alert_at", "alert_at: thresholds must be in ascending order without repeats");
            }
            out.add(t.intValue());
        }
        return out;
    }

    static String webhook(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw BudgetRequestException.invalid("alert_webhook", "alert_webhook: must be an http or https URL");
        }
        try {
            URI uri = new URI(v.asText());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw BudgetRequestException.invalid("alert_webhook", "alert_webhook: must be an absolute http or https URL, got '" + v.asText() + "'");
            }
            return v.asText();
        } catch (URISyntaxException e) {
            throw BudgetRequestException.invalid("alert_webhook", "alert_webhook: not a URL: " + e.getMessage());
        }
    }

    private static Set<String> scopeFields() {
        Set<String> fields = new LinkedHashSet<>();
        for (BudgetSpec.Scope s : BudgetSpec.Scope.values()) {
            if (s != BudgetSpec.Scope.GLOBAL) {
                fields.add(s.code());
            }
        }
        return fields;
    }

    private static Set<String> createFields() {
        Set<String> fields = new LinkedHashSet<>(List.of("id", "scope"));
        fields.addAll(scopeFields());
        fields.addAll(List.of("period", "limit_usd", "action", "alert_at", "alert_webhook"));
        return fields;
    }
}
