package dev.railyard.provider;

import dev.railyard.config.Deployment;
import dev.railyard.config.RailyardConfig;
import dev.railyard.config.RouteSpec;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobDispatched;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.RailyardEvent;
import dev.railyard.schema.event.RoutingDecision;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Re-routing after a hop failed: when the failure belongs to the deployment (retries exhausted on a
 * retryable error, or a refusal another deployment may not make), the job goes to the next fallback the
 * router ranked, carrying the attempts so far — for a context-length refusal, the next one with a larger
 * context window; refused content goes to the route's {@code fallback_on_content_filter}, once. Chains are bounded by the router's fallback list.
 */
final class Fallbacks {
    /** Failures that say nothing about the request itself, so another deployment may well succeed. */
    private static final Set<ErrorType> REROUTABLE = Set.of(ErrorType.RATE_LIMITED, ErrorType.OVERLOADED,
            ErrorType.TIMEOUT, ErrorType.SERVER_ERROR, ErrorType.MALFORMED_RESPONSE, ErrorType.STRUCTURED_OUTPUT_INVALID,
            ErrorType.AUTHENTICATION, ErrorType.PERMISSION, ErrorType.NOT_FOUND, ErrorType.MODEL_NOT_FOUND,
            ErrorType.CONTEXT_LENGTH_EXCEEDED, ErrorType.UNSUPPORTED_PARAMETER);

    private final RailyardConfig config;

    Fallbacks(RailyardConfig config) {
        this.config = config;
    }

    /** The next hop for a failed one, if the failure is the deployment's and a known fallback is left. */
    Optional<JobDispatched> next(JobDispatched current, JobResult failedHop, Instant now) {
        RoutingDecision decision = current.decision();
        if (failedHop.error() == null) {
            return Optional.empty();
        }
        List<String> left = new ArrayList<>();
        if (failedHop.error().type() == ErrorType.CONTENT_FILTERED) {
            // Only where the route names a fallback for refused content, and only once.
            contentFilterFallback(decision).ifPresent(left::add);
        } else if (REROUTABLE.contains(failedHop.error().type()) && decision.fallbacks() != null) {
            left.addAll(decision.fallbacks());
            if (failedHop.error().type() == ErrorType.CONTEXT_LENGTH_EXCEEDED) {
                // The provider measured the prompt too big for this window: only a larger window can take it.
                int failedWindow = contextWindow(decision.deploymentId());
                left.removeIf(id -> contextWindow(id) <= failedWindow);
            }
        }
        while (!left.isEmpty()) {
            Optional<Deployment> next = config.deployment(left.remove(0));
            if (next.isPresent() && config.providers().containsKey(next.get().provider())) {
                Deployment d = next.get();
                String reason = "fallback hop " + (decision.hop() + 1) + ": " + decision.deploymentId() + " failed with "
                        + failedHop.error().type().code() + " after " + failedHop.attempts().size() + " attempt(s); "
                        + "first choice: " + decision.reason();
                RoutingDecision hop = new RoutingDecision(d.id(), d.provider(), d.providerModel(),
                        decision.estimatedPromptTokens(), decision.estimatedCost(), List.copyOf(left), decision.hop() + 1,
                        reason, decision.route(), decision.variant(), decision.candidates(), decision.rejected(),
                        decision.scores());
                List<Attempt> attempts = new ArrayList<>(current.previousAttemptsOrEmpty());
                attempts.addAll(failedHop.attempts());
                return Optional.of(new JobDispatched(RailyardEvent.CURRENT_SCHEMA_VERSION, UUID.randomUUID().toString(),
                        current.jobId(), now, current.job(), hop, List.copyOf(attempts)));
            }
        }
        return Optional.empty();
    }

    /** A deployment's context window, 0 when the deployment or its model is unknown. */
    private int contextWindow(String deploymentId) {
        return config.deployment(deploymentId)
                .flatMap(d -> config.model(d.model()).map(d::contextWindow))
                .orElse(0);
    }

    private Optional<String> contentFilterFallback(RoutingDecision decision) {
        if (decision.route() == null) {
            return Optional.empty();
        }
        return config.route(decision.route())
                .map(RouteSpec::fallbackOnContentFilter)
                .flatMap(target -> config.deploymentsOfTarget(target).stream().map(Deployment::id).findFirst())
                .filter(id -> !id.equals(decision.deploymentId()));
    }

    /** The final result of a job that took several hops: every hop's attempts, every billed cost. */
    static JobResult withPrevious(JobResult r, List<Attempt> previous) {
        if (previous.isEmpty()) {
            return r;
        }
        List<Attempt> all = new ArrayList<>(previous);
        all.addAll(r.attempts());
        BigDecimal cost = all.stream().filter(Attempt::billed).map(Attempt::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
        return new JobResult(r.schemaVersion(), r.eventId(), r.jobId(), r.occurredAt(), r.tenant(), r.batchId(),
                r.customId(), r.endpoint(), r.outcome(), r.model(), r.deploymentId(), r.response(), r.usage(), cost,
                r.latencyMs(), r.timeToFirstTokenMs(), List.copyOf(all), r.error(), r.routing(), r.outputTokensPerSecond());
    }
}
