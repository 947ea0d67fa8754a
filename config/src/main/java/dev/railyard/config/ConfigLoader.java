package dev.railyard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads railyard.yaml: expands {@code ${ENV}} references, then validates every key, collecting all
 * problems (each naming its key) into one {@link ConfigException}.
 */
public final class ConfigLoader {
    public static final String DEFAULT_RESOURCE = "railyard-default.yaml";
    private static final Set<String> PROVIDER_TYPES = Set.of("openai-compatible", "azure-openai", "anthropic", "gemini", "bedrock");
    private static final Set<String> PROVIDER_FIELDS = Set.of("type", "base_url", "api_key", "simulate_without_key", "timeout_ms", "max_in_flight", "limits");
    private static final Set<String> MODEL_KINDS = Set.of("chat", "embedding");

    private final Map<String, String> env;
    // Decimals as BigDecimal, so a price or limit of 1.00 or 0.1 is read exactly as written, never via a double.
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    public ConfigLoader(Map<String, String> env) {
        this.env = env;
    }

    public RailyardConfig load(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of("cannot read: " + e.getMessage()));
        }
    }

    /** The built-in configuration: a real model catalog, served by the simulator when no keys are set. */
    public RailyardConfig loadDefault() {
        try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RailyardConfig parse(String text, String source) {
        List<String> problems = new ArrayList<>();
        String expanded = new EnvExpansion(env).expand(text, problems);
        JsonNode root;
        try {
            root = yaml.readTree(expanded);
        } catch (IOException e) {
            throw new ConfigException(source, List.of("not valid YAML: " + e.getMessage().lines().findFirst().orElse("")));
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(source, List.of("the file must be a YAML mapping"));
        }
        Map<String, ProviderConfig> providers = providers(root.path("providers"), problems);
        Map<String, ModelSpec> models = models(root.path("models"), problems);
        List<Deployment> deployments = deployments(root.path("deployments"), providers, models, problems);
        RetryPolicy retry = retry(root.path("retry"), problems);
        Map<String, RouteSpec> routes = new RouteSection(models, deployments, problems).parse(root.path("routes"));
        List<BudgetSpec> budgets = new BudgetSection(providers, models, problems).parse(root.path("budgets"));
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return new RailyardConfig(Map.copyOf(providers), Map.copyOf(models), List.copyOf(deployments), retry, routes, budgets);
    }

    private Map<String, ProviderConfig> providers(JsonNode node, List<String> problems) {
        Map<String, ProviderConfig> out = new LinkedHashMap<>();
        if (!node.isObject() || node.isEmpty()) {
            problems.add("providers: at least one provider is required");
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = "providers." + e.getKey();
            JsonNode p = e.getValue();
            if (!e.getKey().matches("[a-z0-9][a-z0-9-]*")) {
                problems.add(key + ": provider names are lower-case letters, digits and '-' (they name Kafka topics)");
            }
            String type = p.path("type").asText("openai-compatible");
            if (!PROVIDER_TYPES.contains(type)) {
                problems.add(key + ".type: unknown provider type '" + type + "', expected one of " + PROVIDER_TYPES);
            }
            String baseUrl = p.path("base_url").asText("");
            if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
                problems.add(key + ".base_url: must be an http(s) URL, got '" + baseUrl + "'");
            }
            // Every other scalar setting is a provider-specific option (quirks as configuration, not code).
            Map<String, String> options = new LinkedHashMap<>();
            p.fields().forEachRemaining(f -> {
                if (!PROVIDER_FIELDS.contains(f.getKey())) {
                    if (f.getValue().isContainerNode()) {
                        problems.add(key + "." + f.getKey() + ": provider options are single values");
                    } else {
                        // An empty YAML value (e.g. an unset ${VAR:-}) is a null node: an empty option.
                        options.put(f.getKey(), f.getValue().isNull() ? "" : f.getValue().asText());
                    }
                }
            });
            out.put(e.getKey(), new ProviderConfig(e.getKey(), type, stripSlash(baseUrl), p.path("api_key").asText(""),
                    p.path("simulate_without_key").asBoolean(true), false,
                    Duration.ofMillis(positiveLong(p, "timeout_ms", 60_000, key, problems)),
                    (int) positiveLong(p, "max_in_flight", 1024, key, problems), options,
                    limits(p.path("limits"), key + ".limits", problems)));
        }
        return out;
    }

    private Map<String, ModelSpec> models(JsonNode node, List<String> problems) {
        Map<String, ModelSpec> out = new LinkedHashMap<>();
        if (!node.isObject() || node.isEmpty()) {
            problems.add("models: at least one model is required");
            return out;
        }
        PriceSection prices = new PriceSection(problems);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = "models." + e.getKey();
            JsonNode m = e.getValue();
            String kind = m.path("kind").asText("chat");
            if (!MODEL_KINDS.contains(kind)) {
                problems.add(key + ".kind: must be one of " + MODEL_KINDS + ", got '" + kind + "'");
            }
            PriceSchedule schedule = prices.model(m, key);
            Set<String> caps = new LinkedHashSet<>();
            m.path("capabilities").forEach(c -> caps.add(c.asText()));
            out.put(e.getKey(), new ModelSpec(e.getKey(), m.path("owned_by").asText("railyard"), kind,
                    schedule, (int) positiveLong(m, "context_window", 8192, key, problems), Set.copyOf(caps)));
        }
        return out;
    }

    private List<Deployment> deployments(JsonNode node, Map<String, ProviderConfig> providers,
                                         Map<String, ModelSpec> models, List<String> problems) {
        List<Deployment> out = new ArrayList<>();
        if (!node.isArray() || node.isEmpty()) {
            problems.add("deployments: at least one deployment is required");
            return out;
        }
        Set<String> ids = new HashSet<>();
        PriceSection prices = new PriceSection(problems);
        for (int i = 0; i < node.size(); i++) {
            JsonNode d = node.get(i);
            String key = "deployments[" + i + "]";
            String provider = d.path("provider").asText("");
            String model = d.path("model").asText("");
            String id = d.path("id").asText(provider + "/" + model);
            if (!ids.add(id)) {
                problems.add(key + ".id: duplicate deployment id '" + id + "'");
            }
            if (!providers.containsKey(provider)) {
                problems.add(key + ".provider: unknown provider '" + provider + "', expected one of " + providers.keySet());
            }
            if (!models.containsKey(model)) {
                problems.add(key + ".model: '" + model + "' is not in models");
            }
            out.add(new Deployment(id, provider, model, d.path("provider_model").asText(model),
                    strings(d.path("tags"), key + ".tags", problems),
                    number(d, "quality", Deployment.DEFAULT_QUALITY, 0, 1, key, problems),
                    positiveLong(d, "expected_latency_ms", Deployment.DEFAULT_EXPECTED_LATENCY_MS, key, problems),
                    (int) positiveLong(d, "context_window", 0, key, problems),
                    positiveNumber(d, "weight", Deployment.DEFAULT_WEIGHT, key, problems),
                    limits(d.path("limits"), key + ".limits", problems),
                    prices.deployment(d, key, models.containsKey(model) ? models.get(model).prices().initial() : Price.FREE)));
        }
        return out;
    }

    private static RetryPolicy retry(JsonNode node, List<String> problems) {
        if (node.isMissingNode()) {
            return RetryPolicy.DEFAULT;
        }
        RetryPolicy d = RetryPolicy.DEFAULT;
        int attempts = (int) positiveLong(node, "max_attempts", d.maxAttempts(), "retry", problems);
        long base = positiveLong(node, "base_delay_ms", d.baseDelay().toMillis(), "retry", problems);
        long max = positiveLong(node, "max_delay_ms", d.maxDelay().toMillis(), "retry", problems);
        if (max < base) {
            problems.add("retry.max_delay_ms: must not be below retry.base_delay_ms");
        }
        long park = positiveLong(node, "delay_topic_after_ms", d.delayTopicAfter().toMillis(), "retry", problems);
        return new RetryPolicy(attempts, Duration.ofMillis(base), Duration.ofMillis(max), Duration.ofMillis(park));
    }

    static long positiveLong(JsonNode n, String field, long fallback, String key, List<String> problems) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToLong() || v.asLong() < 1) {
            problems.add(key + "." + field + ": must be a positive integer, got '" + v.asText() + "'");
            return fallback;
        }
        return v.asLong();
    }

    /** {@code limits: {rpm: N, tpm: N}}; absent or either omitted: unlimited. */
    static RateLimit limits(JsonNode n, String key, List<String> problems) {
        if (n.isMissingNode() || n.isNull()) {
            return RateLimit.NONE;
        }
        if (!n.isObject()) {
            problems.add(key + ": must be a map with rpm and/or tpm, got '" + n.asText() + "'");
            return RateLimit.NONE;
        }
        n.fieldNames().forEachRemaining(f -> {
            if (!f.equals("rpm") && !f.equals("tpm")) {
                problems.add(key + "." + f + ": unknown limit, expected rpm or tpm");
            }
        });
        return new RateLimit(positiveLong(n, "rpm", 0, key, problems), positiveLong(n, "tpm", 0, key, problems));
    }

    /** A list of strings (absent: empty). */
    static List<String> strings(JsonNode n, String key, List<String> problems) {
        if (n.isMissingNode() || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            problems.add(key + ": must be a list, got '" + n.asText() + "'");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            if (!n.get(i).isTextual() || n.get(i).asText().isBlank()) {
                problems.add(key + "[" + i + "]: must be a non-empty string");
            } else {
                out.add(n.get(i).asText());
            }
        }
        return out;
    }

    /** A number in [min, max]. */
    static double number(JsonNode n, String field, double fallback, double min, double max, String key, List<String> problems) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            problems.add(key + "." + field + ": must be a number from " + plain(min) + " to " + plain(max) + ", got '" + v.asText() + "'");
            return fallback;
        }
        return v.asDouble();
    }

    static double nonNegativeNumber(JsonNode n, String field, double fallback, String key, List<String> problems) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber() || v.asDouble() < 0 || Double.isInfinite(v.asDouble())) {
            problems.add(key + "." + field + ": must be a non-negative number, got '" + v.asText() + "'");
            return fallback;
        }
        return v.asDouble();
    }

    static double positiveNumber(JsonNode n, String field, double fallback, String key, List<String> problems) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber() || !(v.asDouble() > 0) || Double.isInfinite(v.asDouble())) {
            problems.add(key + "." + field + ": must be a positive number, got '" + v.asText() + "'");
            return fallback;
        }
        return v.asDouble();
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
