package dev.railyard.config;

import java.time.Duration;

/**
 * A provider endpoint and its credentials.
 *
 * @param name               the provider's name; names its dispatch topic
 * @param type               the adapter family, e.g. {@code openai-compatible}
 * @param baseUrl            e.g. {@code https://api.openai.com/v1}
 * @param apiKey             the credential, empty when unset; never logged
 * @param simulateWithoutKey serve this provider from the built-in simulator when no key is set
 * @param simulated          true once the simulator has been put in its place
 * @param timeout            per-call timeout
 * @param maxInFlight        concurrent calls one worker makes to this provider
 */
public record ProviderConfig(
        String name,
        String type,
        String baseUrl,
        String apiKey,
        boolean simulateWithoutKey,
        boolean simulated,
        Duration timeout,
        int maxInFlight) {

    public boolean hasKey() {
        return apiKey != null && !apiKey.isBlank();
    }

    public ProviderConfig servedBy(String simulatorBaseUrl) {
        return new ProviderConfig(name, type, simulatorBaseUrl, "sim-key", simulateWithoutKey, true, timeout, maxInFlight);
    }

    @Override
    public String toString() {
        return "ProviderConfig[name=" + name + ", type=" + type + ", baseUrl=" + baseUrl
                + ", apiKey=" + (hasKey() ? "***" : "<unset>") + ", simulated=" + simulated + "]";
    }
}
