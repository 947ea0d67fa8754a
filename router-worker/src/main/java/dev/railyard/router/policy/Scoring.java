package dev.railyard.router.policy;

import dev.railyard.config.RouteSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Scores candidates: the weighted sum of cost and latency, each divided by the largest among the
 * candidates, and of 1 − quality. Lower is better. Normalising by the maximum keeps a route's weights
 * meaningful whatever the request's size: cost 1 and latency 1 trade a deployment twice as cheap
 * against one twice as fast.
 */
final class Scoring {
    private Scoring() {
    }

    /**
     * @param cost    the weighted cost term
     * @param latency the weighted latency term
     * @param quality the weighted quality term
     */
    record Scored(Candidate candidate, double cost, double latency, double quality) {
        double total() {
            return cost + latency + quality;
        }
    }

    /** Best first; equal scores keep the candidates' order (List.sort is stable). */
    static List<Scored> rank(List<Candidate> candidates, RouteSpec.Weights weights) {
        double maxCost = candidates.stream().mapToDouble(c -> c.estimatedCost().doubleValue()).max().orElse(0);
        double maxLatency = candidates.stream().mapToDouble(Candidate::latencyMs).max().orElse(0);
        List<Scored> scored = new ArrayList<>(candidates.size());
        for (Candidate c : candidates) {
            scored.add(new Scored(c,
                    weights.cost() * ratio(c.estimatedCost().doubleValue(), maxCost),
                    weights.latency() * ratio(c.latencyMs(), maxLatency),
                    weights.quality() * (1 - c.deployment().quality())));
        }
        scored.sort(Comparator.comparingDouble(Scored::total));
        return scored;
    }

    private static double ratio(double value, double max) {
        return max > 0 ? value / max : 0;
    }
}
