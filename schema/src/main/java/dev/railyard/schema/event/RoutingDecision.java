package dev.railyard.schema.event;

import java.math.BigDecimal;
import java.util.List;

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
 */
public record RoutingDecision(
        String deploymentId,
        String provider,
        String providerModel,
        int estimatedPromptTokens,
        BigDecimal estimatedCost,
        List<String> fallbacks,
        int hop,
        String reason) {
}
