package dev.railyard.router.policy;

import dev.railyard.config.Deployment;
import dev.railyard.config.ModelSpec;
import dev.railyard.config.Price;
import dev.railyard.config.PriceSchedule;
import dev.railyard.config.RailyardConfig;
import dev.railyard.config.RouteSpec;
import dev.railyard.schema.event.Endpoint;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Picks a deployment for a job. The candidates are the deployments of the requested model, or of the
 * targets of the requested route ({@code model: "route:<name>"}). Filters remove those lacking a
 * capability the request needs, whose context window is too small, lacking the route's tags,
 * unavailable, or refused by the budget; the rest are scored ({@link Scoring}: by cost alone for a
 * plain model) and the lowest score wins, ties in configuration order. A route's split first assigns
 * the job a variant (sticky by a job attribute) and the variant's best candidate wins. The others are
 * the fallbacks, best first. Pure apart from the health and budget seams it is given (the health seam
 * hears which deployment was chosen, so a half-open circuit can count its probe jobs).
 */
public final class RoutingPolicy {
    private final RailyardConfig config;
    private final TokenEstimator tokens;
    private final Function<Deployment, ModelSpec> prices;
    private final DeploymentHealth health;
    private final BudgetGate budget;
    private final Clock clock;

    /** Catalog prices, every deployment healthy at its expected latency, no budget limits. */
    public RoutingPolicy(RailyardConfig config, TokenEstimator tokens) {
        this(config, tokens, d -> config.model(d.model()).orElseThrow());
    }

    /**
     * @param prices the model prices a deployment charges (a provider may sell a model below list price); a
     *               deployment's own configured prices ({@link Deployment#prices()}) take precedence
     */
    public RoutingPolicy(RailyardConfig config, TokenEstimator tokens, Function<Deployment, ModelSpec> prices) {
        this(config, tokens, prices, DeploymentHealth.expected(), BudgetGate.allowAll());
    }

    public RoutingPolicy(RailyardConfig config, TokenEstimator tokens, Function<Deployment, ModelSpec> prices,
                         DeploymentHealth health, BudgetGate budget) {
        this(config, tokens, prices, health, budget, Clock.systemUTC());
    }

    /** @param clock the time that decides which prices are in effect (and which are still to come) */
    public RoutingPolicy(RailyardConfig config, TokenEstimator tokens, Function<Deployment, ModelSpec> prices,
                         DeploymentHealth health, BudgetGate budget, Clock clock) {
        this.config = config;
        this.tokens = tokens;
        this.prices = prices;
        this.health = health;
        this.budget = budget;
        this.clock = clock;
    }

    /** Routes a job whose request is already valid and whose {@code model} is set. */
    public Route decide(JobSubmitted job) {
        Optional<Endpoint> endpoint = Endpoint.fromPath(job.endpoint());
        if (endpoint.isEmpty()) {
            return new Route.Unroutable(JobError.of(ErrorType.INVALID_REQUEST, "unsupported endpoint '" + job.endpoint() + "'"));
        }
        Optional<String> routeName = RouteSpec.nameIn(job.model());
        RouteSpec route = null;
        List<Deployment> considered;
        if (routeName.isPresent()) {
            route = config.route(routeName.get()).orElse(null);
            if (route == null) {
                return new Route.Unroutable(JobError.of(ErrorType.MODEL_NOT_FOUND, routeNotFound(routeName.get())));
            }
            considered = deploymentsOf(route);
        } else {
            Optional<ModelSpec> spec = config.model(job.model());
            boolean wantsEmbedding = endpoint.get() == Endpoint.EMBEDDINGS;
            considered = spec.isPresent() && spec.get().embedding() == wantsEmbedding ? config.deploymentsOf(job.model()) : List.of();
            if (considered.isEmpty()) {
                return new Route.Unroutable(JobError.of(ErrorType.MODEL_NOT_FOUND, notFound(job.model(), spec, endpoint.get())));
            }
        }
        Request request = new Request(job, Capabilities.required(endpoint.get(), job.body()),
                tokens.measure(endpoint.get(), job.body()), TokenEstimator.maxOutputTokens(endpoint.get(), job.body()),
                route == null ? List.of() : route.requireTags());
        List<Candidate> eligible = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        for (Deployment d : considered) {
            evaluate(d, request).ifPresentOrElse(rejected::add, () -> eligible.add(candidate(d, request)));
        }
        // Budget last: it is the only filter that needs the cost estimate.
        for (Candidate c : List.copyOf(eligible)) {
            Optional<String> refusal = budget.refusal(job, c.deployment(), c.estimatedCost());
            if (refusal.isPresent()) {
                eligible.remove(c);
                rejected.add(new Rejection(c.deployment(), Rejection.Filter.BUDGET, refusal.get()));
            }
        }
        rejected.sort(Comparator.comparingInt(r -> considered.indexOf(r.deployment())));
        Decisions decisions = new Decisions(route, job.model(), considered);
        if (eligible.isEmpty()) {
            return new Route.Unroutable(decisions.unroutable(rejected));
        }
        List<Scoring.Scored> ranked = Scoring.rank(eligible, route == null ? RouteSpec.Weights.CHEAPEST : route.weights());
        Split split = route == null || route.split() == null ? Split.NONE : split(route, job, ranked);
        Route.Routed routed = new Route.Routed(decisions.routed(split.ordered(ranked), rejected, split));
        health.dispatched(routed.decision().deploymentId());
        return routed;
    }

    private record Request(JobSubmitted job, Set<String> needs, PromptSize prompt, long maxOutputTokens, List<String> requireTags) {
    }

    /** The reason a filter removes this deployment, if one does (budget aside). */
    private Optional<Rejection> evaluate(Deployment d, Request request) {
        ModelSpec spec = config.model(d.model()).orElseThrow();
        List<String> lacking = Capabilities.missing(request.needs(), spec);
        if (!lacking.isEmpty()) {
            return Optional.of(new Rejection(d, Rejection.Filter.CAPABILITY, "lacks " + String.join(", ", lacking)));
        }
        int prompt = request.prompt().windowTokens(TokenEstimator.openAiTokenizer(spec));
        long need = prompt + request.maxOutputTokens();
        if (d.contextWindow(spec) < need) {
            return Optional.of(new Rejection(d, Rejection.Filter.CONTEXT, "context window " + d.contextWindow(spec) + " < "
                    + need + " tokens needed (" + prompt + " prompt + " + request.maxOutputTokens() + " output)"));
        }
        if (!d.tags().containsAll(request.requireTags())) {
            List<String> missing = request.requireTags().stream().filter(t -> !d.tags().contains(t)).toList();
            return Optional.of(new Rejection(d, Rejection.Filter.TAGS, "lacks tags " + missing));
        }
        if (!health.available(d.id())) {
            return Optional.of(new Rejection(d, Rejection.Filter.HEALTH, health.unavailableReason(d.id())));
        }
        return Optional.empty();
    }

    private Candidate candidate(Deployment d, Request request) {
        int prompt = request.prompt().tokens(TokenEstimator.openAiTokenizer(config.model(d.model()).orElseThrow()));
        // The estimate feeds the budget reservation, so it must never be below what the call can bill. The
        // call runs after routing (maybe after a delay topic), so a scheduled price increase may be in effect
        // by then: price it at the ceiling of the price in effect now and every later one, with the batch
        // discount (and per-request fee) of the job's case.
        boolean inBatch = request.job().batchId() != null && !request.job().batchId().isBlank();
        BigDecimal cost = ceiling(d).cost(new Usage(prompt, request.maxOutputTokens(), 0), inBatch);
        return new Candidate(d, prompt, cost, health.latencyP50Millis(d));
    }

    /** The highest price a call routed now to {@code d} can be billed at ({@link PriceSchedule#ceilingFrom}). */
    private Price ceiling(Deployment d) {
        PriceSchedule schedule = d.prices() != null ? d.prices() : prices.apply(d).prices();
        return schedule.ceilingFrom(clock.instant());
    }

    /** A route's deployments in target order, each once. */
    private List<Deployment> deploymentsOf(RouteSpec route) {
        Set<Deployment> out = new LinkedHashSet<>();
        route.targets().forEach(t -> out.addAll(config.deploymentsOfTarget(t)));
        return List.copyOf(out);
    }

    private Split split(RouteSpec route, JobSubmitted job, List<Scoring.Scored> ranked) {
        RouteSpec.Split s = route.split();
        Optional<String> key = StickySplit.key(s, job);
        // Without the attribute the job is still assigned deterministically, by its own id.
        RouteSpec.Variant variant = StickySplit.assign(route.name(), s.variants(), key.orElse(job.jobId()));
        List<String> ids = config.deploymentsOfTarget(variant.target()).stream().map(Deployment::id).toList();
        boolean served = ranked.stream().anyMatch(r -> ids.contains(r.candidate().deployment().id()));
        return new Split(variant.target(), s.by() + (key.isPresent() ? "" : " (absent, by job_id)"), ids, served);
    }

    private String routeNotFound(String name) {
        List<String> names = config.routes().keySet().stream().sorted().toList();
        return "route '" + name + "' is not configured; routes available: " + (names.isEmpty() ? "none" : String.join(", ", names));
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
