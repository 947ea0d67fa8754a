package dev.railyard.launcher.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.config.ProviderConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * docker-compose.yml, deploy/prometheus/prometheus.yml and the Grafana dashboard against the code. Each check
 * returns its problems (empty: fine), so a test can also show that a broken file is caught.
 */
final class ComposeChecks {
    static final Set<String> REQUIRED = Set.of("kafka", "postgres", "simulator", "api", "router", "providers", "budget",
            "prometheus", "grafana");

    private final Known known;

    ComposeChecks(Known known) {
        this.known = known;
    }

    /** The services Railyard's image runs (everything else is Kafka, PostgreSQL, Prometheus or Grafana). */
    static Map<String, JsonNode> railyardServices(JsonNode compose) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        compose.path("services").fields().forEachRemaining(e -> {
            if (e.getValue().path("image").asText("").startsWith("railyard")) {
                out.put(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    List<String> services(JsonNode compose) {
        List<String> problems = new ArrayList<>();
        for (String name : REQUIRED) {
            if (!compose.path("services").has(name)) {
                problems.add("compose: no service '" + name + "'");
            }
        }
        for (String name : known.serviceNames()) {
            if (!railyardServices(compose).containsKey(name)) {
                problems.add("compose: no service runs `railyard service " + name + "` from the railyard image");
            }
        }
        railyardServices(compose).forEach((name, s) -> {
            List<String> command = strings(s.path("command"));
            if (command.size() < 2 || !command.get(0).equals("service")) {
                problems.add("compose " + name + ": command must be [service, <name>, ...], got " + command);
                return;
            }
            if (!known.serviceNames().contains(command.get(1))) {
                problems.add("compose " + name + ": '" + command.get(1) + "' is not a `railyard service` subcommand " + known.serviceNames());
            } else if (!command.get(1).equals(name)) {
                // Other files (prometheus.yml, railyard.yaml's simulator URL) reach a service by its name.
                problems.add("compose " + name + ": runs `service " + command.get(1) + "`; name the service after it");
            }
        });
        return problems;
    }

    List<String> environment(JsonNode compose) {
        List<String> problems = new ArrayList<>();
        railyardServices(compose).forEach((name, s) -> environmentOf(s).keySet().stream()
                .filter(env -> !known.envNames().contains(env))
                .forEach(env -> problems.add("compose " + name + ": environment variable " + env + " is read by nothing in Railyard")));
        return problems;
    }

    List<String> wiring(JsonNode compose) {
        List<String> problems = new ArrayList<>();
        railyardServices(compose).forEach((name, s) -> {
            Map<String, String> env = environmentOf(s);
            String admin = env.getOrDefault("RAILYARD_ADMIN_PORT", String.valueOf(known.adminPort()));
            String health = String.join(" ", strings(s.path("healthcheck").path("test")));
            if (!health.contains("localhost:" + admin + "/health/ready")) {
                problems.add("compose " + name + ": healthcheck must ask /health/ready on the admin port " + admin + ", got '" + health + "'");
            }
            if (name.equals("simulator")) {
                return;
            }
            for (String infra : List.of("kafka", "postgres")) {
                if (!s.path("depends_on").path(infra).path("condition").asText("").equals("service_healthy")) {
                    problems.add("compose " + name + ": must depend on " + infra + " with condition service_healthy");
                }
            }
            if (!env.getOrDefault("RAILYARD_KAFKA", "").startsWith("kafka:")) {
                problems.add("compose " + name + ": RAILYARD_KAFKA must name the kafka service, got " + env.get("RAILYARD_KAFKA"));
            }
            if (!env.getOrDefault("RAILYARD_DATABASE_URL", "").startsWith("jdbc:postgresql://postgres:")) {
                problems.add("compose " + name + ": RAILYARD_DATABASE_URL must name the postgres service, got " + env.get("RAILYARD_DATABASE_URL"));
            }
            String config = env.get("RAILYARD_CONFIG");
            boolean mounted = strings(s.path("volumes")).stream().anyMatch(v -> v.startsWith("./deploy/railyard.yaml:" + config));
            if (config == null || !mounted) {
                problems.add("compose " + name + ": RAILYARD_CONFIG must be ./deploy/railyard.yaml mounted, got " + config);
            }
        });
        JsonNode providers = compose.path("services").path("providers");
        if (!providers.path("depends_on").path("simulator").path("condition").asText("").equals("service_healthy")) {
            problems.add("compose providers: must wait for a healthy simulator (railyard.yaml points the providers at it)");
        }
        return problems;
    }

    /** Every provider in railyard.yaml is served by the compose simulator, at the port it listens on. */
    List<String> providersReachSimulator(JsonNode compose) {
        List<String> problems = new ArrayList<>();
        JsonNode simulator = compose.path("services").path("simulator");
        List<String> command = strings(simulator.path("command"));
        int port = command.indexOf("--port") >= 0 ? Integer.parseInt(command.get(command.indexOf("--port") + 1)) : -1;
        if (known.config().needsSimulator()) {
            problems.add("railyard.yaml: some provider asks for an in-process simulator; service processes start none");
        }
        for (ProviderConfig p : known.config().providers().values()) {
            URI uri = URI.create(p.baseUrl());
            if (!"simulator".equals(uri.getHost()) || uri.getPort() != port) {
                problems.add("railyard.yaml providers." + p.name() + ": base_url " + p.baseUrl() + " is not the compose simulator (port " + port + ")");
            }
        }
        return problems;
    }

    /** Every Railyard service is scraped on its admin port; every target is a compose service. */
    List<String> prometheus(JsonNode prometheus, JsonNode compose) {
        List<String> problems = new ArrayList<>();
        Set<String> scraped = new LinkedHashSet<>();
        for (JsonNode job : prometheus.path("scrape_configs")) {
            List<String> targets = new ArrayList<>();
            for (JsonNode sd : job.path("dns_sd_configs")) {
                strings(sd.path("names")).forEach(n -> targets.add(n + ":" + sd.path("port").asText()));
            }
            for (JsonNode sc : job.path("static_configs")) {
                targets.addAll(strings(sc.path("targets")));
            }
            for (String target : targets) {
                String host = target.substring(0, target.lastIndexOf(':'));
                String port = target.substring(target.lastIndexOf(':') + 1);
                if (host.equals("localhost")) {
                    continue;
                }
                if (!compose.path("services").has(host)) {
                    problems.add("prometheus job " + job.path("job_name").asText() + ": target " + target + " is no compose service");
                }
                JsonNode service = compose.path("services").path(host);
                String admin = environmentOf(service).getOrDefault("RAILYARD_ADMIN_PORT", String.valueOf(known.adminPort()));
                if (!port.equals(admin)) {
                    problems.add("prometheus job " + job.path("job_name").asText() + ": target " + target + " is not the admin port " + admin);
                }
                scraped.add(host);
            }
        }
        for (String name : railyardServices(compose).keySet()) {
            if (!scraped.contains(name)) {
                problems.add("prometheus: service " + name + " is not scraped");
            }
        }
        return problems;
    }

    /** Every metric the dashboard queries is documented; its datasource is the provisioned one. */
    List<String> dashboard(JsonNode dashboard, JsonNode datasources) {
        List<String> problems = new ArrayList<>();
        Set<String> uids = new LinkedHashSet<>();
        datasources.path("datasources").forEach(d -> uids.add(d.path("uid").asText()));
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(p -> {
            panels.add(p);
            p.path("panels").forEach(panels::add);
        });
        int queries = 0;
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                queries++;
                String uid = target.path("datasource").path("uid").asText(panel.path("datasource").path("uid").asText());
                if (!uids.contains(uid)) {
                    problems.add("dashboard '" + panel.path("title").asText() + "': datasource uid '" + uid + "' is not provisioned " + uids);
                }
                for (String metric : PromQlMetricNames.of(target.path("expr").asText())) {
                    if (!documented(metric)) {
                        problems.add("dashboard '" + panel.path("title").asText() + "': metric " + metric + " is not documented");
                    }
                }
            }
        }
        if (queries == 0) {
            problems.add("dashboard: no queries");
        }
        return problems;
    }

    private boolean documented(String metric) {
        if (known.metricNames().contains(metric)) {
            return true;
        }
        // The series Prometheus derives from a histogram or summary.
        for (String suffix : List.of("_bucket", "_count", "_sum", "_max")) {
            if (metric.endsWith(suffix) && known.metricNames().contains(metric.substring(0, metric.length() - suffix.length()))) {
                return true;
            }
        }
        return false;
    }

    /** A service's environment, whether written as a mapping or as a list of NAME=value. */
    static Map<String, String> environmentOf(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode e = service.path("environment");
        if (e.isObject()) {
            e.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().isNull() ? "" : f.getValue().asText()));
        } else {
            for (String item : strings(e)) {
                int eq = item.indexOf('=');
                env.put(eq < 0 ? item : item.substring(0, eq), eq < 0 ? "" : item.substring(eq + 1));
            }
        }
        return env;
    }

    static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (node.isTextual()) {
            out.add(node.asText());
        }
        return out;
    }
}
