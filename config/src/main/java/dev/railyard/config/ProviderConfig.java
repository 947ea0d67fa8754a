package dev.railyard.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A provider endpoint and its credentials.
 *
 * @param name               the provider's name; names its dispatch topic
 * @param type               the adapter family: {@code openai-compatible}, {@code azure-openai},
 *                           {@code anthropic}, {@code gemini} or {@code bedrock}
 * @param baseUrl            e.g. {@code https://api.openai.com/v1}
 * @param apiKey             the credential, empty when unset; never logged
 * @param simulateWithoutKey serve this provider from the built-in simulator when no key is set
 * @param simulated          true once the simulator has been put in its place
 * @param timeout            per-call timeout
 * @param maxInFlight        concurrent calls one worker makes to this provider
 * @param options            provider-specific settings and quirks (e.g. {@code api_version},
 *                           {@code anthropic_version}, {@code region}, {@code access_key_id},
 *                           {@code secret_access_key}); values of secret-looking keys are never logged
 * @param limits             the RPM/TPM quota of this provider key, over all its deployments
 */
public record ProviderConfig(
        String name,
        String type,
        String baseUrl,
        String apiKey,
        boolean simulateWithoutKey,
        boolean simulated,
        Duration timeout,
        int maxInFlight,
        Map<String, String> options,
        RateLimit limits) {

    /** Credentials the built-in simulator accepts (and, for Bedrock, verifies SigV4 signatures with). */
    public static final String SIMULATOR_API_KEY = "sim-key";
    public static final String SIMULATOR_AWS_ACCESS_KEY_ID = "AKIDRAILYARDSIMULATOR";
    public static final String SIMULATOR_AWS_SECRET_ACCESS_KEY = "railyard-simulator-secret-access-key";

    public ProviderConfig {
        options = Map.copyOf(options);
        limits = limits == null ? RateLimit.NONE : limits;
    }

    public ProviderConfig(String name, String type, String baseUrl, String apiKey, boolean simulateWithoutKey,
                          boolean simulated, Duration timeout, int maxInFlight, Map<String, String> options) {
        this(name, type, baseUrl, apiKey, simulateWithoutKey, simulated, timeout, maxInFlight, options, RateLimit.NONE);
    }

    public ProviderConfig(String name, String type, String baseUrl, String apiKey, boolean simulateWithoutKey,
                          boolean simulated, Duration timeout, int maxInFlight) {
        this(name, type, baseUrl, apiKey, simulateWithoutKey, simulated, timeout, maxInFlight, Map.of());
    }

    public String option(String key, String fallback) {
        String v = options.get(key);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** Whether credentials are configured: an API key, or for Bedrock an AWS access key pair. */
    public boolean hasKey() {
        if ("bedrock".equals(type)) {
            return !option("access_key_id", "").isEmpty() && !option("secret_access_key", "").isEmpty();
        }
        return apiKey != null && !apiKey.isBlank();
    }

    /**
     * This provider served by the simulator at {@code simulatorRoot} (e.g. {@code http://127.0.0.1:8090}),
     * which speaks each family's own wire format under that family's usual paths.
     */
    public ProviderConfig servedBy(String simulatorRoot) {
        String base = "openai-compatible".equals(type) ? simulatorRoot + "/v1" : simulatorRoot;
        Map<String, String> simOptions = new TreeMap<>(options);
        if ("bedrock".equals(type)) {
            simOptions.put("access_key_id", SIMULATOR_AWS_ACCESS_KEY_ID);
            simOptions.put("secret_access_key", SIMULATOR_AWS_SECRET_ACCESS_KEY);
            simOptions.putIfAbsent("region", "us-east-1");
        }
        return new ProviderConfig(name, type, base, SIMULATOR_API_KEY, simulateWithoutKey, true, timeout, maxInFlight, simOptions,
                limits);
    }

    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        options.forEach((k, v) -> shown.put(k, secret(k) ? "***" : v));
        return "ProviderConfig[name=" + name + ", type=" + type + ", baseUrl=" + baseUrl
                + ", apiKey=" + (apiKey != null && !apiKey.isBlank() ? "***" : "<unset>") + ", simulated=" + simulated
                + ", options=" + shown + (limits.unlimited() ? "" : ", limits=" + limits) + "]";
    }

    private static boolean secret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("secret") || k.contains("key") || k.contains("token") || k.contains("password");
    }
}
