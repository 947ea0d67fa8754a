package dev.railyard.router.policy;

import dev.railyard.config.Deployment;
import dev.railyard.config.ModelSpec;
import dev.railyard.config.RailyardConfig;
import dev.railyard.schema.event.Endpoint;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.RoutingDecision;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The first routing policy: among the deployments of the requested model that serve the job's
 * endpoint, the one with the lowest worst-case cost (estimated prompt tokens plus the output limit at
 * the model's prices); ties keep configuration order. The others become the fallbacks, cheapest first.
 * Pure: no I/O, so the full policy (latency, health, budgets, weights) can replace it behind the same call.
 */
public final class RoutingPolicy {
    private final RailyardConfig config;
    private final TokenEstimator tokens;
    private final Function<Deployment, ModelSpec> prices;

    /** Prices every deployment at its model's catalog prices. */
    public RoutingPolicy(RailyardConfig config, TokenEstimator tokens) {
        this(config, tokens, d -> config.model(d.model()).orElseThrow());
    }

    /** @param prices the prices a deployment charges (a provider may sell a model below list price) */
    public RoutingPolicy(RailyardConfig config, TokenEstimator tokens, Function<Deployment, ModelSpec> prices) {
        this.config = config;
        this.tokens = tokens;
        this.prices = prices;
    }

    private record Candidate(Deployment deployment, BigDecimal estimatedCost) {
    }

    /** Routes a job whose request is already valid and whose {@code model} is set. */
    public Route decide(JobSubmitted job) {
        Optional<Endpoint> endpoint = Endpoint.fromPath(job.endpoint());
        if (endpoint.isEmpty()) {
            return new Route.Unroutable(JobError.of(ErrorType.INVALID_REQUEST, "unsupported endpoint '" + job.endpoint() + "'"));
        }
        Optional<ModelSpec> spec = config.model(job.model());
        boolean wantsEmbedding = endpoint.get() == Endpoint.EMBEDDINGS;
        List<Deployment> deployments = spec.isPresent() && spec.get().embedding() == wantsEmbedding
                ? config.deploymentsOf(job.model()) : List.of();
        if (deployments.isEmpty()) {
            return new Route.Unroutable(JobError.of(ErrorType.MODEL_NOT_FOUND, notFound(job.model(), spec, endpoint.get())));
        }
        int promptTokens = tokens.promptTokens(endpoint.get(), job.body());
        Usage worstCase = new Usage(promptTokens, TokenEstimator.maxOutputTokens(endpoint.get(), job.body()), 0);
        List<Candidate> ranked = new ArrayList<>();
        for (Deployment d : deployments) {
            ranked.add(new Candidate(d, prices.apply(d).cost(worstCase)));
        }
        // List.sort is stable: equal costs keep configuration order.
        ranked.sort(Comparator.comparing(Candidate::estimatedCost));
        Candidate best = ranked.get(0);
        List<String> fallbacks = ranked.stream().skip(1).map(c -> c.deployment().id()).toList();
        String reason = (ranked.size() == 1 ? "only candidate" : "cheapest of " + ranked.size() + " candidates")
                + " for " + job.model() + ": " + best.deployment().id() + " at $"
                + best.estimatedCost().setScale(6, RoundingMode.HALF_UP).toPlainString() + " estimated";
        return new Route.Routed(new RoutingDecision(best.deployment().id(), best.deployment().provider(),
                best.deployment().providerModel(), promptTokens, best.estimatedCost(), fallbacks, 1, reason));
    }

    private String notFound(String model, Optional<ModelSpec> spec, Endpoint endpoint) {
        String kind = endpoint == Endpoint.EMBEDDINGS ? "embedding" : "chat";
        String why = spec.isEmpty() ? "is not available"
                : spec.get().embedding() != (endpoint == Endpoint.EMBEDDINGS)
                ? "is " + (spec.get().embedding() ? "an embedding" : "a chat") + " model and cannot serve " + endpoint.path()
                : "has no deployment";
        List<String> available = config.models().values().stream()
                .filter(m -> m.embedding() == (endpoint == Endpoint.EMBEDDINGS))
                .map(ModelSpec::name)
                .filter(name -> !config.deploymentsOf(name).isEmpty())
                .sorted()
                .toList();
        return "model '" + model + "' " + why + "; " + kind + " models available for " + endpoint.path() + ": "
                + (available.isEmpty() ? "none" : String.join(", ", available));
    }
}
