package dev.railyard.router.policy;

import dev.railyard.config.Deployment;
import dev.railyard.config.RouteSpec;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.RoutingDecision;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns the outcome of filtering and scoring into a decision (or an error) and its human-readable reason. */
final class Decisions {
    private final RouteSpec route;
    private final String subject;
    private final List<Deployment> considered;

    /** @param model the requested model, named in reasons when the job asked for no route */
    Decisions(RouteSpec route, String model, List<Deployment> considered) {
        this.route = route;
        this.subject = route != null ? "route " + route.name() : "model " + model;
        this.considered = considered;
    }

    /** @param ordered the remaining candidates in the order to try them: the chosen one first */
    RoutingDecision routed(List<Scoring.Scored> ordered, List<Rejection> rejected, Split split) {
        Scoring.Scored best = ordered.get(0);
        Candidate c = best.candidate();
        Map<String, Double> scores = new LinkedHashMap<>();
        ordered.stream().sorted(Comparator.comparingDouble(Scoring.Scored::total))
                .forEach(s -> scores.put(s.candidate().deployment().id(), round(s.total())));
        StringBuilder reason = new StringBuilder(subject).append(": ").append(count(considered.size(), "candidate"));
        if (!rejected.isEmpty()) {
            reason.append(", ").append(rejected.size()).append(" rejected (").append(describe(rejected, ", ")).append(')');
        }
        if (split.variant() != null) {
            reason.append("; variant ").append(split.variant()).append(" by ").append(split.by());
            if (!split.served()) {
                reason.append(" has no eligible candidate, so the job leaves the split");
            }
        }
        reason.append("; chose ").append(c.deployment().id()).append(" score ").append(two(best.total()))
                .append(terms(best)).append(" at $")
                .append(c.estimatedCost().setScale(6, RoundingMode.HALF_UP).toPlainString()).append(" estimated");
        return new RoutingDecision(c.deployment().id(), c.deployment().provider(), c.deployment().providerModel(),
                c.promptTokens(), c.estimatedCost(), ordered.stream().skip(1).map(s -> s.candidate().deployment().id()).toList(),
                1, reason.toString(), route == null ? null : route.name(), split.recorded(),
                considered.stream().map(Deployment::id).toList(),
                rejected.stream().map(r -> new RoutingDecision.Rejection(r.deployment().id(), r.reason())).toList(),
                scores);
    }

    /**
     * The error of a job no candidate survived, listing every rejection. Its type is that of the filter
     * the furthest candidate failed (see {@link Rejection.Filter}).
     */
    JobError unroutable(List<Rejection> rejected) {
        ErrorType type = rejected.stream().map(Rejection::filter).max(Comparator.naturalOrder())
                .map(f -> f.error).orElse(ErrorType.MODEL_NOT_FOUND);
        return JobError.of(type, subject + ": no deployment can serve this request; "
                + (considered.size() == 1 ? "the only candidate was" : "all " + considered.size() + " candidates were")
                + " rejected: " + describe(rejected, "; "));
    }

    /** The weighted terms of the score that count, e.g. {@code (cost 0.10, latency 0.11)}. */
    private String terms(Scoring.Scored s) {
        RouteSpec.Weights w = route == null ? RouteSpec.Weights.CHEAPEST : route.weights();
        List<String> terms = new ArrayList<>();
        if (w.cost() > 0) {
            terms.add("cost " + two(s.cost()));
        }
        if (w.latency() > 0) {
            terms.add("latency " + two(s.latency()));
        }
        if (w.quality() > 0) {
            terms.add("quality " + two(s.quality()));
        }
        return " (" + String.join(", ", terms) + ")";
    }

    private static String describe(List<Rejection> rejected, String separator) {
        return String.join(separator, rejected.stream().map(r -> r.deployment().id() + ": " + r.reason()).toList());
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String two(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }

    /** Scores to four places: enough to compare, short enough to read in an event. */
    private static double round(double d) {
        return Math.round(d * 10_000) / 10_000.0;
    }
}
