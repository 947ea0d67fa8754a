package dev.railyard.router.estimate;

import dev.railyard.config.RailyardConfig;
import dev.railyard.router.policy.BudgetGate;
import dev.railyard.router.policy.Route;
import dev.railyard.router.policy.RoutingPolicy;
import dev.railyard.router.policy.TokenEstimator;
import dev.railyard.schema.event.DeploymentHealthSnapshot;
import dev.railyard.schema.event.Endpoint;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.RailyardEvent;
import dev.railyard.schema.event.RoutingDecision;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Estimates lines with the router's own {@link RoutingPolicy}: each line is routed as the router would route
 * it now (same candidates, filters, scores and live health, budgets aside), and the decision's prompt tokens
 * and worst-case cost are what the estimate adds up, so they match the router's to the token and the
 * billionth of a cent. Nothing is reserved or sent. Thread-safe; CPU-bound (tokenizing), so call it off any
 * event loop.
 */
public final class BatchEstimate {
    /** The batch id estimated batch lines carry, so the policy prices them as batch jobs (with any batch discount). */
    static final String BATCH_ID = "batch_estimate";

    private final Supplier<RailyardConfig> config;
    private final TokenEstimator tokens;
    private final Supplier<Map<String, DeploymentHealthSnapshot>> health;
    private final Clock clock;

    /** @param health the merged live health of the deployments, as the router sees it (empty: all healthy) */
    public BatchEstimate(RailyardConfig config, TokenEstimator tokens, Supplier<Map<String, DeploymentHealthSnapshot>> health,
                         Clock clock) {
        this(() -> config, tokens, health, clock);
    }

    /** @param config the configuration in use at each estimate (it may be reloaded) */
    public BatchEstimate(Supplier<RailyardConfig> config, TokenEstimator tokens, Supplier<Map<String, DeploymentHealthSnapshot>> health,
                         Clock clock) {
        this.config = config;
        this.tokens = tokens;
        this.health = health;
        this.clock = clock;
    }

    /**
     * The router's policy, built as {@code RouterService} builds it, on a still picture of health; the clock picks
     * the prices in effect (the policy prices at the ceiling of now and any scheduled change).
     */
    private RoutingPolicy policy() {
        RailyardConfig current = config.get();
        return new RoutingPolicy(current, tokens, d -> current.model(d.model()).orElseThrow(), SnapshotHealth.of(health.get()),
                BudgetGate.allowAll(), clock);
    }

    /**
     * @param tenant  the tenant the jobs would belong to (a route may split by it)
     * @param inBatch whether the lines are a batch's (bulk priority; a batch price applies where there is one)
     */
    public Estimate estimate(String tenant, EstimateInput.Lines input, boolean inBatch) {
        RoutingPolicy policy = policy();
        Map<String, Totals> byModel = new LinkedHashMap<>();
        List<LineProblem> unroutable = new ArrayList<>();
        for (EstimateLine line : input.valid()) {
            String model = line.body().path("model").asText();
            switch (policy.decide(job(tenant, line, model, inBatch))) {
                case Route.Routed routed -> byModel.computeIfAbsent(model, Totals::new).add(routed.decision(),
                        TokenEstimator.maxOutputTokens(Endpoint.fromPath(line.url()).orElseThrow(), line.body()));
                case Route.Unroutable u -> unroutable.add(new LineProblem(line.lineNumber(), line.customId(),
                        u.error().type().code(), null, u.error().message()));
            }
        }
        List<Estimate.ModelEstimate> models = byModel.values().stream().map(Totals::result)
                .sorted(Comparator.comparing(Estimate.ModelEstimate::estimatedCost).reversed()
                        .thenComparing(Estimate.ModelEstimate::model))
                .toList();
        BigDecimal cost = models.stream().map(Estimate.ModelEstimate::estimatedCost).reduce(zero(), BigDecimal::add);
        return new Estimate(input.endpoint(), input.valid().size() + input.invalid().size(),
                models.stream().mapToLong(Estimate.ModelEstimate::promptTokens).sum(),
                models.stream().mapToLong(Estimate.ModelEstimate::maxOutputTokens).sum(),
                cost, models, input.invalid(), unroutable);
    }

    /** The job the line would become; its id is fixed by the line, so a split by job id estimates the same each time. */
    private JobSubmitted job(String tenant, EstimateLine line, String model, boolean inBatch) {
        String id = "estimate-" + line.lineNumber();
        return new JobSubmitted(RailyardEvent.CURRENT_SCHEMA_VERSION, id, id, clock.instant(), tenant,
                inBatch ? BATCH_ID : null, line.customId(), inBatch ? line.lineNumber() : 0, line.url(), model, line.body(),
                inBatch ? "bulk" : "standard", null, null, null);
    }

    private static BigDecimal zero() {
        return BigDecimal.ZERO.setScale(dev.railyard.config.ModelSpec.COST_SCALE);
    }

    /** One model's running sums. */
    private static final class Totals {
        private final String model;
        private final Map<String, Integer> deployments = new LinkedHashMap<>();
        private int lines;
        private long promptTokens;
        private long maxOutputTokens;
        private BigDecimal cost = zero();

        Totals(String model) {
            this.model = model;
        }

        void add(RoutingDecision decision, long maxOutput) {
            lines++;
            promptTokens += decision.estimatedPromptTokens();
            maxOutputTokens += maxOutput;
            cost = cost.add(decision.estimatedCost());
            deployments.merge(decision.deploymentId(), 1, Integer::sum);
        }

        Estimate.ModelEstimate result() {
            return new Estimate.ModelEstimate(model, lines, promptTokens, maxOutputTokens, cost, deployments);
        }
    }
}
