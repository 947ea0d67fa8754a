package dev.railyard.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Validates the {@code routes:} section. Every target (and content-filter fallback) must name a model or
 * a deployment id; one route serves one kind (chat or embedding); weights are non-negative with at
 * least one positive; a split names a job attribute and gives its variants positive weights.
 */
final class RouteSection {
    private static final Set<String> ROUTE_FIELDS = Set.of("targets", "weights", "require_tags", "fallback_on_content_filter", "split");
    private static final Set<String> WEIGHT_FIELDS = Set.of("cost", "latency", "quality");
    private static final Set<String> SPLIT_FIELDS = Set.of("by", "variants");

    private final Map<String, ModelSpec> models;
    private final List<Deployment> deployments;
    private final List<String> problems;

    RouteSection(Map<String, ModelSpec> models, List<Deployment> deployments, List<String> problems) {
        this.models = models;
        this.deployments = deployments;
        this.problems = problems;
    }

    Map<String, RouteSpec> parse(JsonNode node) {
        Map<String, RouteSpec> out = new LinkedHashMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            problems.add("routes: must be a mapping of route names to routes");
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = "routes." + e.getKey();
            if (!e.getKey().matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                problems.add(key + ": route names are letters, digits, '.', '_' and '-'");
            }
            if (!e.getValue().isObject()) {
                problems.add(key + ": must be a mapping with targets");
                continue;
            }
            out.put(e.getKey(), route(e.getKey(), key, e.getValue()));
        }
        return out;
    }

    private RouteSpec route(String name, String key, JsonNode r) {
        unknownFields(r, ROUTE_FIELDS, key);
        List<String> targets = ConfigLoader.strings(r.path("targets"), key + ".targets", problems);
        if (targets.isEmpty() && r.path("targets").isArray()) {
            problems.add(key + ".targets: at least one target is required");
        } else if (r.path("targets").isMissingNode()) {
            problems.add(key + ".targets: required (model names or deployment ids)");
        }
        Set<String> kinds = new TreeSet<>();
        for (int i = 0; i < targets.size(); i++) {
            kind(targets.get(i), key + ".targets[" + i + "]", kinds);
        }
        if (kinds.size() > 1) {
            problems.add(key + ".targets: mixes chat and embedding models");
        }
        String fallback = r.path("fallback_on_content_filter").isMissingNode() ? null : r.path("fallback_on_content_filter").asText();
        if (fallback != null) {
            kind(fallback, key + ".fallback_on_content_filter", new TreeSet<>());
        }
        return new RouteSpec(name, targets, weights(r.path("weights"), key + ".weights"),
                ConfigLoader.strings(r.path("require_tags"), key + ".require_tags", problems), fallback,
                split(r.path("split"), key + ".split", targets));
    }

    /** Records the kind of model a target serves; reports a target that is neither a model nor a deployment. */
    private void kind(String target, String key, Set<String> kinds) {
        String model = models.containsKey(target) ? target
                : deployments.stream().filter(d -> d.id().equals(target)).map(Deployment::model).findFirst().orElse(null);
        if (model == null) {
            problems.add(key + ": unknown target '" + target + "', expected a model name or a deployment id");
        } else if (models.containsKey(model)) {
            kinds.add(models.get(model).kind());
        }
    }

    private RouteSpec.Weights weights(JsonNode w, String key) {
        if (w.isMissingNode() || w.isNull()) {
            return RouteSpec.Weights.CHEAPEST;
        }
        if (!w.isObject()) {
            problems.add(key + ": must be a mapping of cost, latency and quality");
            return RouteSpec.Weights.CHEAPEST;
        }
        unknownFields(w, WEIGHT_FIELDS, key);
        // Cost counts by default only when no weight is given: {latency: 1} means "fastest".
        double cost = ConfigLoader.nonNegativeNumber(w, "cost", w.has("latency") || w.has("quality") ? 0 : 1, key, problems);
        double latency = ConfigLoader.nonNegativeNumber(w, "latency", 0, key, problems);
        double quality = ConfigLoader.nonNegativeNumber(w, "quality", 0, key, problems);
        if (cost + latency + quality <= 0) {
            problems.add(key + ": at least one of cost, latency and quality must be positive");
            return RouteSpec.Weights.CHEAPEST;
        }
        return new RouteSpec.Weights(cost, latency, quality);
    }

    private RouteSpec.Split split(JsonNode s, String key, List<String> targets) {
        if (s.isMissingNode() || s.isNull()) {
            return null;
        }
        if (!s.isObject()) {
            problems.add(key + ": must be a mapping with by and variants");
            return null;
        }
        unknownFields(s, SPLIT_FIELDS, key);
        String by = s.path("by").asText("");
        boolean metadata = by.startsWith(RouteSpec.Split.BY_METADATA_PREFIX) && by.length() > RouteSpec.Split.BY_METADATA_PREFIX.length();
        if (!metadata && !by.equals(RouteSpec.Split.BY_TENANT) && !by.equals(RouteSpec.Split.BY_JOB_ID)) {
            problems.add(key + ".by: must be tenant, job_id or metadata.<key>, got '" + by + "'");
        }
        JsonNode v = s.path("variants");
        List<RouteSpec.Variant> variants = new ArrayList<>();
        if (v.isMissingNode() || v.isNull()) {
            // No variants named: each target is one, weighted by its deployments' weights.
            for (String target : targets) {
                double weight = deployments.stream()
                        .filter(d -> models.containsKey(target) ? d.model().equals(target) : d.id().equals(target))
                        .mapToDouble(Deployment::weight).sum();
                if (weight > 0) {
                    variants.add(new RouteSpec.Variant(target, weight));
                }
            }
        } else if (!v.isObject() || v.isEmpty()) {
            problems.add(key + ".variants: must map route targets to positive weights");
        } else {
            v.fields().forEachRemaining(f -> {
                if (!targets.contains(f.getKey())) {
                    problems.add(key + ".variants." + f.getKey() + ": not one of the route's targets " + targets);
                }
                if (!f.getValue().isNumber() || !(f.getValue().asDouble() > 0) || Double.isInfinite(f.getValue().asDouble())) {
                    problems.add(key + ".variants." + f.getKey() + ": weight must be a positive number, got '" + f.getValue().asText() + "'");
                } else {
                    variants.add(new RouteSpec.Variant(f.getKey(), f.getValue().asDouble()));
                }
            });
        }
        return new RouteSpec.Split(by, variants);
    }

    private void unknownFields(JsonNode n, Set<String> known, String key) {
        n.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) {
                problems.add(key + "." + f + ": unknown setting, expected one of " + new TreeSet<>(known));
            }
        });
    }
}
