package dev.railyard.schema.event;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Where the router sent a job and why.
 *
 * @param deploymentId  the chosen deployment
 * @param provider      its provider (names the dispatch topic)
 * @param providerModel the model name the provider expects
 * @param estimatedPromptTokens prompt size estimate used for routing
 * @param estimatedCost worst-case cost at the deployment's prices
 * @param fallbacks     deployments still available if this one fails, best first
 * @param hop           1 for the first choice, +1 for every fallback
 * @param reason        a human-readable account of the choice
 * @param route         the route the job asked for ({@code model: "route:<name>"}), or null for a plain model
 * @param variant       the split variant the job was assigned to, or null
 * @param candidates    every deployment considered, in configuration order; null in older events
 * @param rejected      the candidates filtered out and why; null in older events
 * @param scores        the weighted score of every remaining candidate, best (lowest) first; null in older events
 */
public record RoutingDecision(
        String deploymentId,
        String provider,
        String providerModel,
        int estimatedPromptTokens,
        BigDecimal estimatedCost,
        List<String> fallbacks,
        int hop,
        String reason,
        String route,
        String variant,
        List<String> candidates,
        List<Rejection> rejected,
        Map<String, Double> scores) {

    /** A decision without route, variant, candidates, rejections or scores (as before routes existed). */
    public RoutingDecision(String deploymentId, String provider, String providerModel, int estimatedPromptTokens,
                           BigDecimal estimatedCost, List<String> fallbacks, int hop, String reason) {
        this(deploymentId, provider, providerModel, estimatedPromptTokens, estimatedCost, fallbacks, hop, reason,
                null, null, null, null, null);
    }

    /** A candidate the router filtered out, e.g. {@code openai-gpt-4o: lacks vision}. */
    public record Rejection(String deploymentId, String reason) {
    }
}
