package dev.railyard.config;

import java.util.List;
import java.util.Optional;

/**
 * A named route: clients ask for it with {@code model: "route:<name>"}. Its candidates are the
 * deployments of its targets; the router filters them and picks the lowest weighted score.
 *
 * @param targets                 model names (all their deployments) or deployment ids, in preference
 *                                order for ties
 * @param weights                 how much cost, latency and quality count
 * @param requireTags             tags every candidate deployment must carry
 * @param fallbackOnContentFilter the model or deployment to use when a candidate refuses the content, or null
 * @param split                   an A/B split of the route's traffic between targets, or null
 */
public record RouteSpec(
        String name,
        List<String> targets,
        Weights weights,
        List<String> requireTags,
        String fallbackOnContentFilter,
        Split split) {

    /** How clients name a route in {@code model}. */
    public static final String MODEL_PREFIX = "route:";

    public RouteSpec {
        targets = List.copyOf(targets);
        requireTags = List.copyOf(requireTags);
    }

    /** The route a requested model names ({@code route:<name>}), if it names one. */
    public static Optional<String> nameIn(String requestedModel) {
        return requestedModel != null && requestedModel.startsWith(MODEL_PREFIX)
                ? Optional.of(requestedModel.substring(MODEL_PREFIX.length())) : Optional.empty();
    }

    /** Non-negative weights of the normalised criteria; by default only cost counts. */
    public record Weights(double cost, double latency, double quality) {
        public static final Weights CHEAPEST = new Weights(1, 0, 0);
    }

    /**
     * Sticky weighted assignment of a job to one target.
     *
     * @param by       {@code tenant}, {@code job_id} or {@code metadata.<key>}: the job attribute whose
     *                 value always gets the same variant
     * @param variants targets with positive weights, in configuration order
     */
    public record Split(String by, List<Variant> variants) {
        public static final String BY_TENANT = "tenant";
        public static final String BY_JOB_ID = "job_id";
        public static final String BY_METADATA_PREFIX = "metadata.";

        public Split {
            variants = List.copyOf(variants);
        }

        /** The metadata key {@code by} names, if it names one. */
        public Optional<String> metadataKey() {
            return by.startsWith(BY_METADATA_PREFIX) ? Optional.of(by.substring(BY_METADATA_PREFIX.length())) : Optional.empty();
        }
    }

    /** @param target a target of the route (model name or deployment id) */
    public record Variant(String target, double weight) {
    }
}
