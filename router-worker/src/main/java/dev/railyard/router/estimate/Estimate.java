package dev.railyard.router.estimate;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * What a batch (or one request) would cost at worst if submitted now: each estimated line on the deployment
 * the router would choose, its prompt tokens in that model's tokenizer, its output limit, and the routing
 * decision's worst-case cost.
 *
 * @param endpoint        the batch's endpoint
 * @param lines           non-blank lines of the input
 * @param promptTokens    over the estimated lines
 * @param maxOutputTokens the output limits (times {@code n}) of the estimated lines; the router's default for chat without one
 * @param estimatedCost   the sum of the routing decisions' worst-case costs, exact
 * @param byModel         per requested model (or route), most expensive first
 * @param invalid         lines the edge would reject
 * @param unroutable      valid lines the router would fail
 */
public record Estimate(String endpoint, int lines, long promptTokens, long maxOutputTokens, BigDecimal estimatedCost,
                       List<ModelEstimate> byModel, List<LineProblem> invalid, List<LineProblem> unroutable) {
    public Estimate {
        byModel = List.copyOf(byModel);
        invalid = List.copyOf(invalid);
        unroutable = List.copyOf(unroutable);
    }

    /** Lines in the estimate. */
    public int estimatedLines() {
        return byModel.stream().mapToInt(ModelEstimate::lines).sum();
    }

    /**
     * @param model       the model (or {@code route:<name>}) the lines asked for
     * @param deployments how many of its lines each deployment would take, by id in first-chosen order
     */
    public record ModelEstimate(String model, int lines, long promptTokens, long maxOutputTokens, BigDecimal estimatedCost,
                                Map<String, Integer> deployments) {
        public ModelEstimate {
            deployments = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(deployments));
        }
    }
}
