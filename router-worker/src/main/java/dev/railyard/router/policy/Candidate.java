package dev.railyard.router.policy;

import dev.railyard.config.Deployment;
import java.math.BigDecimal;

/**
 * A deployment that passed every filter, with what scoring needs.
 *
 * @param promptTokens  the prompt in the deployment's model's tokenizer
 * @param estimatedCost worst case: the prompt plus the output limit at the deployment's prices
 * @param latencyMs     the deployment's median latency
 */
record Candidate(Deployment deployment, int promptTokens, BigDecimal estimatedCost, long latencyMs) {
}
