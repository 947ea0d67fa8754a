package dev.railyard.launcher.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.launcher.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * docker-compose.yml, the Dockerfile, deploy/prometheus, deploy/grafana and deploy/k8s checked statically against
 * the code (no Docker engine or cluster on the build machines). Each check also runs on a deliberately broken copy,
 * to show it catches what it is for.
 */
class DeploymentFilesTest {
    /** The shared decision for the service processes (RAILYARD_ADMIN_PORT's default). */
    static final int ADMIN_PORT = 9400;

    /** The services the deployment files run; `railyard service` must offer each. */
    static final Set<String> SERVICE_NAMES = Set.of("api", "router", "providers", "budget", "simulator");

    static DeploymentFiles files;
    static Known known;

    @BeforeAll
    static void load() {
        files = DeploymentFiles.locate();
        RailyardConfig config = new ConfigLoader(Map.of()).load(files.path("deploy/railyard.yaml"));
        known = new Known(serviceNames(), envNames(), metricNames(), config, ADMIN_PORT);
    }

    // --- the real files ---

    @Test
    void compose_runs_every_service_as_a_real_subcommand() {
        assertThat(compose().services(files.yaml("docker-compose.yml"))).isEmpty();
    }

    @Test
    void compose_sets_only_environment_railyard_reads() {
        assertThat(compose().environment(files.yaml("docker-compose.yml"))).isEmpty();
    }

    @Test
    void compose_waits_for_healthy_infrastructure_and_checks_readiness_on_the_admin_port() {
        assertThat(compose().wiring(files.yaml("docker-compose.yml"))).isEmpty();
    }

    @Test
    void mounted_configuration_loads_and_points_every_provider_at_the_simulator() {
        assertThat(known.config().providers()).containsKeys("openai", "anthropic", "gemini", "bedrock");
        assertThat(compose().providersReachSimulator(files.yaml("docker-compose.yml"))).isEmpty();
    }

    @Test
    void prometheus_scrapes_every_service_on_its_admin_port() {
        assertThat(compose().prometheus(files.yaml("deploy/prometheus/prometheus.yml"), files.yaml("docker-compose.yml"))).isEmpty();
    }

    @Test
    void dashboard_queries_only_documented_metrics_from_the_provisioned_datasource() {
        assertThat(compose().dashboard(dashboard(), datasources())).isEmpty();
    }

    @Test
    void grafana_loads_dashboards_from_where_compose_mounts_them() {
        JsonNode provider = files.yaml("deploy/grafana/provisioning/dashboards/railyard.yml").path("providers").path(0);
        String path = provider.path("options").path("path").asText();
        List<String> volumes = ComposeChecks.strings(files.yaml("docker-compose.yml").path("services").path("grafana").path("volumes"));
        assertThat(volumes).contains("./deploy/grafana/dashboards:" + path + ":ro", "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro");
        assertThat(files.path("deploy/grafana/dashboards/railyard.json")).exists();
    }

    @Test
    void kubernetes_deployments_run_real_subcommands_with_probes_on_the_admin_port() {
        assertThat(kubernetes(manifests()).deployments()).isEmpty();
    }

    @Test
    void kubernetes_services_reach_their_pods_and_the_providers_reach_the_simulator() {
        assertThat(kubernetes(manifests()).services()).isEmpty();
    }

    @Test
    void keda_watches_the_groups_and_topics_the_code_consumes_within_the_partitions() {
        assertThat(kubernetes(manifests()).keda()).isEmpty();
    }

    @Test
    void kubernetes_config_map_holds_the_same_railyard_yaml_as_compose() {
        String inConfigMap = kubernetes(manifests()).configMap("railyard-config").get("railyard.yaml");
        assertThat(inConfigMap).isEqualTo(files.text("deploy/railyard.yaml"));
    }

    @Test
    void kustomization_applies_every_manifest_but_the_examples() throws IOException {
        List<String> resources = ComposeChecks.strings(files.yaml("deploy/k8s/kustomization.yaml").path("resources"));
        Set<String> present = new TreeSet<>();
        try (Stream<Path> list = Files.list(files.path("deploy/k8s"))) {
            list.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml") && !n.endsWith(".example.yaml"))
                    .forEach(present::add);
        }
        assertThat(new TreeSet<>(resources)).isEqualTo(present);
    }

    @Test
    void image_builds_every_module_the_launcher_needs_and_runs_railyard() {
        String dockerfile = files.text("Dockerfile");
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(files.text("pom.xml"));
        List<String> modules = new ArrayList<>();
        while (m.find()) {
            modules.add(m.group(1));
        }
        assertThat(modules).contains("launcher");
        for (String module : modules) {
            // bench is no dependency of the launcher; Maven only needs its POM to read the reactor.
            String copied = module.equals("bench") ? "COPY bench/pom.xml bench/pom.xml" : "COPY " + module + " " + module;
            assertThat(dockerfile).as("Dockerfile copies module %s", module).contains(copied);
        }
        assertThat(dockerfile).contains("FROM eclipse-temurin:21-jdk AS build", "FROM eclipse-temurin:21-jre",
                "/src/launcher/target/lib/", "/src/launcher/target/railyard.jar", "ENTRYPOINT [\"railyard\"]");
        assertThat(files.text("deploy/docker/railyard")).contains("dev.railyard.launcher.Main", "exec java");
        assertThat(files.text(".dockerignore")).contains("**/target/");
    }

    // --- the checks catch broken files ---

    @Test
    void a_wrong_consumer_group_is_caught() {
        List<JsonNode> docs = manifests();
        trigger(docs, "router", 0).put("consumerGroup", "railyard-routers");
        assertThat(kubernetes(docs).keda()).anySatisfy(p -> assertThat(p).contains("railyard-routers"));
    }

    @Test
    void a_provider_without_a_trigger_is_caught() {
        List<JsonNode> docs = manifests();
        ArrayNode triggers = (ArrayNode) scaledObject(docs, "providers").path("spec").path("triggers");
        triggers.remove(triggers.size() - 1);
        assertThat(kubernetes(docs).keda()).anySatisfy(p -> assertThat(p).contains("providers consumes"));
    }

    @Test
    void more_replicas_than_partitions_is_caught() {
        List<JsonNode> docs = manifests();
        ((ObjectNode) scaledObject(docs, "router").path("spec")).put("maxReplicaCount", 64);
        assertThat(kubernetes(docs).keda()).anySatisfy(p -> assertThat(p).contains("maxReplicaCount 64"));
    }

    @Test
    void a_scale_target_that_is_no_deployment_is_caught() {
        List<JsonNode> docs = manifests();
        ((ObjectNode) scaledObject(docs, "router").path("spec").path("scaleTargetRef")).put("name", "routers");
        assertThat(kubernetes(docs).keda()).anySatisfy(p -> assertThat(p).contains("scaleTargetRef routers"));
    }

    @Test
    void a_probe_off_the_admin_port_is_caught() {
        List<JsonNode> docs = manifests();
        ObjectNode container = (ObjectNode) deployment(docs, "budget").path("spec").path("template").path("spec").path("containers").path(0);
        ((ObjectNode) container.path("readinessProbe").path("httpGet")).put("port", 8080);
        assertThat(kubernetes(docs).deployments()).anySatisfy(p -> assertThat(p).contains("readinessProbe"));
    }

    @Test
    void a_short_grace_period_for_provider_workers_is_caught() {
        List<JsonNode> docs = manifests();
        ((ObjectNode) deployment(docs, "providers").path("spec").path("template").path("spec")).put("terminationGracePeriodSeconds", 30);
        assertThat(kubernetes(docs).deployments()).anySatisfy(p -> assertThat(p).contains("terminationGracePeriodSeconds 30"));
    }

    @Test
    void an_unknown_service_command_is_caught() {
        JsonNode compose = files.yaml("docker-compose.yml");
        ArrayNode command = (ArrayNode) compose.path("services").path("router").path("command");
        command.set(1, command.textNode("routr"));
        assertThat(compose().services(compose)).anySatisfy(p -> assertThat(p).contains("'routr' is not a `railyard service` subcommand"));
    }

    @Test
    void an_environment_variable_nothing_reads_is_caught() {
        JsonNode compose = files.yaml("docker-compose.yml");
        ((ObjectNode) compose.path("services").path("budget").path("environment")).put("RAILYARD_KAFKA_SERVERS", "kafka:9092");
        assertThat(compose().environment(compose)).anySatisfy(p -> assertThat(p).contains("RAILYARD_KAFKA_SERVERS"));
    }

    @Test
    void an_undocumented_metric_on_the_dashboard_is_caught() {
        JsonNode dashboard = dashboard();
        ObjectNode target = (ObjectNode) dashboard.path("panels").path(1).path("targets").path(0);
        target.put("expr", "sum(rate(railyard_jobs_finished_total[5m]))");
        assertThat(compose().dashboard(dashboard, datasources())).anySatisfy(p -> assertThat(p).contains("railyard_jobs_finished_total"));
    }

    @Test
    void a_scrape_target_that_is_no_service_or_not_the_admin_port_is_caught() {
        JsonNode prometheus = files.yaml("deploy/prometheus/prometheus.yml");
        ObjectNode sd = (ObjectNode) prometheus.path("scrape_configs").path(0).path("dns_sd_configs").path(0);
        sd.put("port", 8080);
        ((ArrayNode) sd.path("names")).set(0, sd.textNode("ingest"));
        assertThat(compose().prometheus(prometheus, files.yaml("docker-compose.yml")))
                .anySatisfy(p -> assertThat(p).contains("ingest:8080 is no compose service"))
                .anySatisfy(p -> assertThat(p).contains("not the admin port"))
                .anySatisfy(p -> assertThat(p).contains("service api is not scraped"));
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "->", value = {
            "sum by (outcome) (rate(railyard_attempts_total[$__rate_interval]))                         -> railyard_attempts_total",
            "histogram_quantile(0.95, sum by (le, m) (rate(a_seconds_bucket{x=\"y\",z!~\"|none\"}[5m]))) -> a_seconds_bucket",
            "sum(rate(a_sum[1m])) by (route) / sum(rate(a_count[1m])) by (route)                        -> a_sum a_count",
            "max by (deployment) (railyard_deployment_circuit_state) * 3600 > bool 1e3                  -> railyard_deployment_circuit_state",
            "rate(x_total{job=~\"api|router\"}[5m]) offset 1h or on (job) y                             -> x_total y",
    })
    void promql_metric_names_are_the_selected_series(String expr, String names) {
        assertThat(PromQlMetricNames.of(expr)).containsExactlyInAnyOrder(names.split(" "));
    }

    // --- what the code says ---

    /** `railyard service`'s subcommands, as picocli reads them off the launcher. */
    static Set<String> serviceNames() {
        CommandLine service = new CommandLine(new Main()).getSubcommands().get("service");
        assertThat(service).as("the launcher's `service` command").isNotNull();
        Set<String> names = new TreeSet<>(service.getSubcommands().keySet());
        assertThat(names).as("railyard service subcommands").containsAll(SERVICE_NAMES);
        return names;
    }

    /**
     * Environment variables read somewhere: RAILYARD_* names in the main sources and resources of every module (picocli
     * {@code env:} defaults, {@code getenv("…")}, {@code env.get("…")}, {@code ${…}} in configuration files), the
     * variables the image's launcher script reads, and those deploy/railyard.yaml expands.
     */
    static Set<String> envNames() {
        Set<String> names = new TreeSet<>();
        Pattern inCode = Pattern.compile("(?:\"|env:|\\$\\{)(RAILYARD_[A-Z0-9_]+)");
        try (Stream<Path> modules = Files.list(files.path(""))) {
            for (Path main : modules.map(m -> m.resolve("src/main")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> all = Files.walk(main)) {
                    all.filter(Files::isRegularFile).forEach(p -> collect(inCode, read(p), names));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Pattern expansion = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)");
        collect(expansion, files.text("deploy/docker/railyard"), names);
        collect(expansion, files.text("deploy/railyard.yaml"), names);
        return names;
    }

    /** Metric names in docs/metrics.md (backticked, e.g. {@code `railyard_router_decisions_total{deployment, outcome}`}). */
    static Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("`([a-z][a-z0-9]*_[a-z0-9_]+)(?:\\{[^`]*})?`").matcher(files.text("docs/metrics.md"));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static void collect(Pattern p, String text, Set<String> into) {
        Matcher m = p.matcher(text);
        while (m.find()) {
            into.add(m.group(1));
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return ""; // binary resources
        }
    }

    // --- fixtures ---

    private static ComposeChecks compose() {
        return new ComposeChecks(known);
    }

    private static KubernetesChecks kubernetes(List<JsonNode> docs) {
        return new KubernetesChecks(known, docs);
    }

    private static JsonNode dashboard() {
        return files.json("deploy/grafana/dashboards/railyard.json");
    }

    private static JsonNode datasources() {
        return files.yaml("deploy/grafana/provisioning/datasources/prometheus.yml");
    }

    /** Every document kustomization.yaml applies, plus the Secret example (its keys are environment too). */
    private static List<JsonNode> manifests() {
        List<JsonNode> docs = new ArrayList<>();
        for (String resource : ComposeChecks.strings(files.yaml("deploy/k8s/kustomization.yaml").path("resources"))) {
            docs.addAll(files.yamlDocuments("deploy/k8s/" + resource));
        }
        docs.addAll(files.yamlDocuments("deploy/k8s/secret.example.yaml"));
        return docs;
    }

    private static JsonNode scaledObject(List<JsonNode> docs, String name) {
        return named(docs, "ScaledObject", name);
    }

    private static JsonNode deployment(List<JsonNode> docs, String name) {
        return named(docs, "Deployment", name);
    }

    private static ObjectNode trigger(List<JsonNode> docs, String scaledObject, int index) {
        return (ObjectNode) scaledObject(docs, scaledObject).path("spec").path("triggers").path(index).path("metadata");
    }

    private static JsonNode named(List<JsonNode> docs, String kind, String name) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind) && d.path("metadata").path("name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }
}
