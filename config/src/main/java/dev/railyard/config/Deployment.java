package dev.railyard.config;

import java.util.List;

/**
 * A model served by a provider: the unit the router chooses between.
 *
 * @param model                 the catalog model name clients ask for
 * @param providerModel         the name the provider expects (often the same)
 * @param tags                  free labels a route may require (e.g. {@code eu}, {@code zdr})
 * @param quality               how good its answers are, 0 (worst) to 1 (best); a routing criterion
 * @param expectedLatencyMs     the latency assumed until live health measures it
 * @param contextWindowOverride the deployment's own context window when smaller (or larger) than the
 *                              model's, 0 to use the model's
 * @param weight                its share of a route's split when the split names no variants
 * @param limits                the provider's RPM/TPM quota for this deployment, shared by every worker
 * @param prices                the deployment's own prices when it is not billed at its model's (an Azure
 *                              deployment, say), or null to use the model's
 */
public record Deployment(
        String id,
        String provider,
        String model,
        String providerModel,
        List<String> tags,
        double quality,
        long expectedLatencyMs,
        int contextWindowOverride,
        double weight,
        RateLimit limits,
        PriceSchedule prices) {

    public static final double DEFAULT_QUALITY = 0.5;
    public static final long DEFAULT_EXPECTED_LATENCY_MS = 1000;
    public static final double DEFAULT_WEIGHT = 1;

    public Deployment {
        tags = List.copyOf(tags);
        limits = limits == null ? RateLimit.NONE : limits;
    }

    /** A deployment billed at its model's prices. */
    public Deployment(String id, String provider, String model, String providerModel, List<String> tags, double quality,
                      long expectedLatencyMs, int contextWindowOverride, double weight, RateLimit limits) {
        this(id, provider, model, providerModel, tags, quality, expectedLatencyMs, contextWindowOverride, weight, limits, null);
    }

    /** A deployment without rate limits. */
    public Deployment(String id, String provider, String model, String providerModel, List<String> tags, double quality,
                      long expectedLatencyMs, int contextWindowOverride, double weight) {
        this(id, provider, model, providerModel, tags, quality, expectedLatencyMs, contextWindowOverride, weight, RateLimit.NONE);
    }

    /** A deployment with default routing attributes: no tags, middling quality, one second, weight 1. */
    public Deployment(String id, String provider, String model, String providerModel) {
        this(id, provider, model, providerModel, List.of(), DEFAULT_QUALITY, DEFAULT_EXPECTED_LATENCY_MS, 0, DEFAULT_WEIGHT,
                RateLimit.NONE);
    }

    /** The context window this deployment accepts: its override, else its model's. */
    public int contextWindow(ModelSpec spec) {
        return contextWindowOverride > 0 ? contextWindowOverride : spec.contextWindow();
    }
}
