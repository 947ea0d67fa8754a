package dev.railyard.launcher.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.budget.BudgetService;
import dev.railyard.config.ProviderConfig;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.provider.ProviderWorkers;
import dev.railyard.router.RouterService;
import dev.railyard.schema.Topics;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The manifests under deploy/k8s against the code: commands, probes, environment, and KEDA's groups and topics. */
final class KubernetesChecks {
    /**
     * A provider worker drains its in-flight calls for up to 30 s on SIGTERM (ConcurrentLoop's default drain
     * timeout), then closes its consumer (up to 5 s): the grace period must cover both.
     */
    static final int PROVIDER_DRAIN_SECONDS = 35;

    private final Known known;
    private final List<JsonNode> docs;

    /** @param docs every document of every manifest kustomization.yaml applies, plus the Secret example */
    KubernetesChecks(Known known, List<JsonNode> docs) {
        this.known = known;
        this.docs = docs;
    }

    /** The (consumer group, topic) pairs each Deployment's service process consumes, from the code's own constants. */
    Map<String, Set<String>> consumedBy() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        out.put("router", Set.of(pair(RouterService.GROUP, Topics.JOBS_SUBMITTED)));
        Set<String> providers = new TreeSet<>();
        for (String p : known.config().providers().keySet()) {
            providers.add(pair(ProviderWorkers.consumerGroup(p), Topics.dispatch(p)));
        }
        out.put("providers", providers);
        out.put("budget", Set.of(pair(BudgetService.GROUP, Topics.JOBS_RESULTS)));
        return out;
    }

    /**
     * The fewest partitions TopicSetup gives a topic, or 0 when it depends on the platform's setting. Submitted and
     * dispatch topics get at least {@link TopicSetup#MIN_DISPATCH_PARTITIONS} whatever that setting is.
     */
    static int minPartitions(String topic) {
        return topic.equals(Topics.JOBS_SUBMITTED) || topic.startsWith(Topics.DISPATCH_PREFIX) ? TopicSetup.MIN_DISPATCH_PARTITIONS : 0;
    }

    List<JsonNode> ofKind(String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
    }

    Map<String, String> configMap(String name) {
        Map<String, String> out = new LinkedHashMap<>();
        ofKind("ConfigMap").stream().filter(c -> c.path("metadata").path("name").asText().equals(name)).findFirst()
                .ifPresent(c -> c.path("data").fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText())));
        return out;
    }

    List<String> deployments() {
        List<String> problems = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        for (JsonNode d : ofKind("Deployment")) {
            String name = d.path("metadata").path("name").asText();
            names.add(name);
            JsonNode spec = d.path("spec").path("template").path("spec");
            if (!d.path("spec").path("selector").path("matchLabels").equals(d.path("spec").path("template").path("metadata").path("labels"))) {
                problems.add("deployment " + name + ": selector.matchLabels differ from the pod template's labels");
            }
            int grace = spec.path("terminationGracePeriodSeconds").asInt(-1);
            int needed = name.equals("providers") ? PROVIDER_DRAIN_SECONDS + 10 : 30;
            if (grace < needed) {
                problems.add("deployment " + name + ": terminationGracePeriodSeconds " + grace + " < " + needed);
            }
            for (JsonNode c : spec.path("containers")) {
                problems.addAll(container(name, c));
            }
        }
        for (String required : known.serviceNames()) {
            if (!names.contains(required)) {
                problems.add("k8s: no Deployment for service " + required);
            }
        }
        return problems;
    }

    private List<String> container(String deployment, JsonNode c) {
        List<String> problems = new ArrayList<>();
        String where = "deployment " + deployment + " container " + c.path("name").asText();
        List<String> args = ComposeChecks.strings(c.path("args"));
        if (args.size() < 2 || !args.get(0).equals("service") || !known.serviceNames().contains(args.get(1))) {
            problems.add(where + ": args must be [service, <one of " + known.serviceNames() + ">], got " + args);
        } else if (!args.get(1).equals(deployment)) {
            problems.add(where + ": runs `service " + args.get(1) + "`; name the Deployment after it");
        }
        Map<String, String> env = environment(c);
        int admin = Integer.parseInt(env.getOrDefault("RAILYARD_ADMIN_PORT", String.valueOf(known.adminPort())));
        for (Map.Entry<String, String> probe : Map.of("readinessProbe", "/health/ready", "livenessProbe", "/health/live").entrySet()) {
            JsonNode get = c.path(probe.getKey()).path("httpGet");
            if (!get.path("path").asText().equals(probe.getValue()) || port(c, get.path("port")) != admin) {
                problems.add(where + ": " + probe.getKey() + " must GET " + probe.getValue() + " on the admin port " + admin + ", got " + get);
            }
        }
        for (String name : env.keySet()) {
            if (!known.envNames().contains(name)) {
                problems.add(where + ": environment variable " + name + " is read by nothing in Railyard");
            }
        }
        if (!deployment.equals("simulator")) {
            String config = env.get("RAILYARD_CONFIG");
            boolean mounted = false;
            for (JsonNode m : c.path("volumeMounts")) {
                mounted |= config != null && config.equals(m.path("mountPath").asText() + "/railyard.yaml");
            }
            if (!mounted) {
                problems.add(where + ": RAILYARD_CONFIG (" + config + ") is not in a mounted volume");
            }
        }
        return problems;
    }

    /** The environment a container sees: its env entries and the ConfigMaps and Secrets of its envFrom. */
    Map<String, String> environment(JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            if (from.has("configMapRef")) {
                env.putAll(configMap(from.path("configMapRef").path("name").asText()));
            }
            if (from.has("secretRef")) {
                String name = from.path("secretRef").path("name").asText();
                ofKind("Secret").stream().filter(s -> s.path("metadata").path("name").asText().equals(name)).findFirst()
                        .ifPresent(s -> s.path("stringData").fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText())));
            }
        }
        for (JsonNode e : container.path("env")) {
            env.put(e.path("name").asText(), e.path("value").asText());
        }
        return env;
    }

    /** A probe's or Service's port: a number, or the name of one of the container's ports. */
    private static int port(JsonNode container, JsonNode port) {
        if (port.canConvertToInt() && !port.isTextual()) {
            return port.asInt();
        }
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(port.asText())) {
                return p.path("containerPort").asInt();
            }
        }
        return -1;
    }

    /** The api and simulator Services reach their pods' ports; railyard.yaml's providers reach the simulator Service. */
    List<String> services() {
        List<String> problems = new ArrayList<>();
        Map<String, JsonNode> services = new LinkedHashMap<>();
        ofKind("Service").forEach(s -> services.put(s.path("metadata").path("name").asText(), s));
        for (String name : List.of("api", "simulator")) {
            JsonNode service = services.get(name);
            JsonNode deployment = ofKind("Deployment").stream().filter(d -> d.path("metadata").path("name").asText().equals(name))
                    .findFirst().orElse(null);
            if (service == null || deployment == null) {
                problems.add("k8s: no Service and Deployment named " + name);
                continue;
            }
            if (!service.path("spec").path("selector").equals(deployment.path("spec").path("template").path("metadata").path("labels"))) {
                problems.add("service " + name + ": selector does not match the Deployment's pods");
            }
            JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").path(0);
            for (JsonNode p : service.path("spec").path("ports")) {
                if (port(container, p.path("targetPort")) < 0) {
                    problems.add("service " + name + ": targetPort " + p.path("targetPort") + " is no container port");
                }
            }
        }
        JsonNode simulator = services.get("simulator");
        for (ProviderConfig p : known.config().providers().values()) {
            URI uri = URI.create(p.baseUrl());
            boolean reached = simulator != null && uri.getHost().equals("simulator")
                    && simulator.path("spec").path("ports").findValues("port").stream().anyMatch(n -> n.asInt() == uri.getPort());
            if (!reached) {
                problems.add("railyard.yaml providers." + p.name() + ": " + p.baseUrl() + " is not the simulator Service");
            }
        }
        return problems;
    }

    /** KEDA: targets exist; each trigger watches the group and topic the target's code consumes; replicas fit partitions. */
    List<String> keda() {
        List<String> problems = new ArrayList<>();
        Set<String> deployments = new LinkedHashSet<>();
        ofKind("Deployment").forEach(d -> deployments.add(d.path("metadata").path("name").asText()));
        String bootstrap = configMap("railyard-env").get("RAILYARD_KAFKA");
        Map<String, Set<String>> consumed = consumedBy();
        Set<String> scaled = new TreeSet<>();
        for (JsonNode so : ofKind("ScaledObject")) {
            String name = so.path("metadata").path("name").asText();
            String target = so.path("spec").path("scaleTargetRef").path("name").asText();
            scaled.add(target);
            if (!so.path("apiVersion").asText().equals("keda.sh/v1alpha1")) {
                problems.add("scaledobject " + name + ": apiVersion must be keda.sh/v1alpha1");
            }
            if (!deployments.contains(target)) {
                problems.add("scaledobject " + name + ": scaleTargetRef " + target + " is no Deployment " + deployments);
                continue;
            }
            JsonNode deployment = ofKind("Deployment").stream().filter(d -> d.path("metadata").path("name").asText().equals(target))
                    .findFirst().orElseThrow();
            if (deployment.path("spec").has("replicas")) {
                problems.add("deployment " + target + ": sets replicas, which every apply would reset under KEDA");
            }
            int max = so.path("spec").path("maxReplicaCount").asInt(100); // KEDA's default when absent
            if (so.path("spec").path("minReplicaCount").asInt(0) < 1) {
                problems.add("scaledobject " + name + ": minReplicaCount must be at least 1 (timers and delay topics need a live worker)");
            }
            Set<String> watched = new TreeSet<>();
            for (JsonNode t : so.path("spec").path("triggers")) {
                JsonNode m = t.path("metadata");
                String topic = m.path("topic").asText();
                watched.add(pair(m.path("consumerGroup").asText(), topic));
                if (!t.path("type").asText().equals("kafka")) {
                    problems.add("scaledobject " + name + ": trigger type " + t.path("type").asText() + ", expected kafka");
                }
                if (!m.path("bootstrapServers").asText().equals(bootstrap)) {
                    problems.add("scaledobject " + name + ": bootstrapServers " + m.path("bootstrapServers").asText()
                            + " differ from RAILYARD_KAFKA " + bootstrap);
                }
                int partitions = minPartitions(topic);
                if (max > partitions) {
                    problems.add("scaledobject " + name + ": maxReplicaCount " + max + " exceeds the " + partitions
                            + " partitions TopicSetup guarantees " + topic + " (extra consumers would sit idle)");
                }
                if (!m.path("lagThreshold").asText("").matches("[1-9][0-9]*")) {
                    problems.add("scaledobject " + name + ": lagThreshold must be a positive integer, got " + m.path("lagThreshold"));
                }
                // The consumers read from the earliest offset when their group has none (KafkaClients): count lag alike.
                if (!m.path("offsetResetPolicy").asText().equals("earliest")) {
                    problems.add("scaledobject " + name + ": offsetResetPolicy must be earliest, like the consumers");
                }
            }
            Set<String> expected = consumed.getOrDefault(target, Set.of());
            if (!watched.equals(new TreeSet<>(expected))) {
                problems.add("scaledobject " + name + ": triggers watch " + watched + " but " + target + " consumes " + new TreeSet<>(expected));
            }
        }
        for (String required : List.of("router", "providers")) {
            if (!scaled.contains(required)) {
                problems.add("k8s: no ScaledObject scales " + required);
            }
        }
        return problems;
    }

    private static String pair(String group, String topic) {
        return group + " @ " + topic;
    }
}
