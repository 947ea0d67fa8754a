package dev.railyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.simulator.Simulator;
import dev.railyard.simulator.SimulatorSettings;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed topology as separate JVM processes ({@code railyard service …}): one api, two routers, two
 * provider workers and two budget services against one broker and database, as docker-compose.yml and deploy/k8s
 * run them. A provider worker stopped with SIGTERM mid-batch finishes its calls in flight, so no call is made
 * twice; one killed with SIGKILL mid-batch (with a router) loses nothing either: every job ends exactly once.
 */
@ExtendWith(SharedInfrastructure.class)
class DistributedTopologyIT {
    private static final Duration START = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    // A provider and model of this test's own: jobs other tests left on the shared broker never reach its simulator.
    private static final String CONFIG = """
            providers:
              dist:
                type: openai-compatible
                base_url: https://api.openai.com/v1
                api_key: ""
                simulate_without_key: true
                timeout_ms: 5000
                max_in_flight: 256
            models:
              dist-mini: { owned_by: dist, kind: chat, input_per_million: 0.15, output_per_million: 0.60, context_window: 128000 }
            deployments:
              - { id: dist-mini-1, provider: dist, model: dist-mini }
            retry:
              max_attempts: 10
              base_delay_ms: 5
              max_delay_ms: 100
            """;

    @Test
    void services_in_separate_processes_drain_on_sigterm_and_lose_nothing_when_killed(SharedInfrastructure.Servers servers,
                                                                                   @TempDir Path dir) throws Exception {
        // The services' output and logs stay beside the build's reports, for a failing run.
        Path logs = Files.createDirectories(Path.of("target", "distributed-it", String.valueOf(System.currentTimeMillis())));
        Path config = dir.resolve("railyard.yaml");
        Files.writeString(config, CONFIG);
        Vertx vertx = Vertx.vertx();
        Simulator simulator = new Simulator(vertx, SimulatorSettings.defaults().withLatencyMs(300));
        simulator.start().toCompletionStage().toCompletableFuture().join();
        List<String> common = List.of("--kafka", servers.bootstrapServers(), "--database", servers.jdbcUrl(),
                "--database-user", servers.dbUser(), "--database-password", servers.dbPassword(),
                "--config", config.toString(), "--simulator", simulator.rootUrl(), "--admin-port", "0", "--admin-host", "127.0.0.1");
        List<ServiceJvm> all = new ArrayList<>();
        try {
            ServiceJvm api = start(all, logs, "api", common, "--port", "0", "--host", "127.0.0.1", "--drain-seconds", "2");
            ServiceJvm router1 = start(all, logs, "router", common);
            start(all, logs, "router", common);
            ServiceJvm providers1 = start(all, logs, "providers", common);
            ServiceJvm providers2 = start(all, logs, "providers", common);
            start(all, logs, "budget", common);
            start(all, logs, "budget", common);
            int apiAdmin = api.awaitAdminPort(START);
            for (ServiceJvm service : all) {
                int admin = service.awaitAdminPort(START);
                assertThat(get(admin, "/health/ready").statusCode()).as(service.name()).isEqualTo(200);
                assertThat(get(admin, "/metrics").body()).as(service.name()).contains("jvm_memory_used_bytes");
            }
            String apiLine = api.awaitLine("listening on", START);
            RailyardClient client = new RailyardClient("http://" + apiLine.substring(apiLine.lastIndexOf(' ') + 1));

            // SIGTERM mid-batch: the worker finishes what it is calling, and the rest moves to the other worker uncalled.
            long callsBefore = simulator.stats().totalRequests();
            String graceful = client.submitBatch(batch("graceful", 600)).path("id").asText();
            assertThat(waitForTerminal(servers, graceful, 100, Duration.ofMinutes(2))).isBetween(100L, 599L);
            providers1.terminate();
            assertThat(providers1.awaitExit(Duration.ofSeconds(90))).as("providers stopped after SIGTERM").isTrue();
            assertThat(providers1.lines()).as("exit %d", providers1.exitValue())
                    .anySatisfy(l -> assertThat(l).contains("stopping (readiness false)"))
                    .anySatisfy(l -> assertThat(l).contains("providers: stopped after"));
            assertThat(waitForTerminal(servers, graceful, 600, Duration.ofMinutes(3))).isEqualTo(600);
            assertThat(states(servers, graceful)).containsExactly(Map.entry("succeeded", 600L));
            assertThat(simulator.stats().totalRequests() - callsBefore).as("provider calls for 600 jobs").isEqualTo(600);
            assertExactlyOnce(servers, client, graceful, 600, dir);

            // SIGKILL mid-batch, a provider worker and a router: at-least-once redelivery, still exactly one end per job.
            ServiceJvm providers3 = start(all, logs, "providers", common);
            providers3.awaitAdminPort(START);
            String killed = client.submitBatch(batch("killed", 600)).path("id").asText();
            assertThat(waitForTerminal(servers, killed, 100, Duration.ofMinutes(2))).isBetween(100L, 599L);
            providers2.kill();
            router1.kill();
            assertThat(waitForTerminal(servers, killed, 600, Duration.ofMinutes(3))).isEqualTo(600);
            assertThat(states(servers, killed)).containsExactly(Map.entry("succeeded", 600L));
            assertExactlyOnce(servers, client, killed, 600, dir);

            // The edge: readiness turns false first, while the API still answers during the drain period.
            api.terminate();
            int seen = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (api.alive() && System.nanoTime() < deadline) {
                try {
                    seen = get(apiAdmin, "/health/ready").statusCode();
                    if (seen == 503) {
                        break;
                    }
                } catch (java.io.IOException e) {
                    break; // already closed
                }
            }
            assertThat(seen).as("api readiness after SIGTERM").isEqualTo(503);
            assertThat(api.awaitExit(Duration.ofSeconds(60))).isTrue();
            assertThat(api.lines()).anySatisfy(l -> assertThat(l).contains("api: stopped after"));
        } finally {
            for (ServiceJvm service : all) {
                service.close();
            }
            simulator.close();
            vertx.close();
        }
    }

    private static ServiceJvm start(List<ServiceJvm> all, Path dir, String service, List<String> common, String... extra) {
        List<String> args = new ArrayList<>();
        args.add(service);
        args.addAll(common);
        args.addAll(List.of(extra));
        ServiceJvm jvm = ServiceJvm.start(service + "-" + (all.size() + 1), dir, args);
        all.add(jvm);
        return jvm;
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] batch(String prefix, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("{\"custom_id\":\"").append(prefix).append('-').append(i)
                    .append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"dist-mini\",")
                    .append("\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"Job ").append(prefix).append(' ').append(i)
                    .append("\"}]}}\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Every line once in the output, and every job's ledger entries add up to its recorded cost: none billed twice. */
    private static void assertExactlyOnce(SharedInfrastructure.Servers servers, RailyardClient client, String batchId, int n, Path dir)
            throws Exception {
        Path output = dir.resolve(batchId + ".jsonl");
        client.download("/v1/batches/" + batchId + "/output", output);
        Map<String, Long> perCustomId = E2e.lines(output).stream()
                .collect(Collectors.groupingBy(l -> l.path("custom_id").asText(), Collectors.counting()));
        assertThat(perCustomId).hasSize(n).allSatisfy((id, count) -> assertThat(count).isEqualTo(1L));
        try (Connection c = servers.dataSource().getConnection();
             PreparedStatement st = c.prepareStatement("""
                     select count(*) from jobs j where j.batch_id = ? and (j.cost is distinct from
                            (select coalesce(sum(l.cost), 0) from spend_ledger l where l.job_id = j.id)
                         or (select count(*) from spend_ledger l where l.job_id = j.id) <> 1)""")) {
            st.setString(1, batchId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).as("jobs whose ledger is not exactly one entry of their cost").isZero();
            }
        }
    }

    private static Map<String, Long> states(SharedInfrastructure.Servers servers, String batchId) throws Exception {
        try (Connection c = servers.dataSource().getConnection();
             PreparedStatement st = c.prepareStatement("select state, count(*) from jobs where batch_id = ? group by state")) {
            st.setString(1, batchId);
            Map<String, Long> states = new java.util.TreeMap<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    states.put(rs.getString(1), rs.getLong(2));
                }
            }
            return states;
        }
    }

    private static long waitForTerminal(SharedInfrastructure.Servers servers, String batchId, long target, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long n = 0;
        while (System.nanoTime() < deadline) {
            try (Connection c = servers.dataSource().getConnection();
                 PreparedStatement st = c.prepareStatement("select count(*) from jobs where batch_id = ? and state <> 'queued'")) {
                st.setString(1, batchId);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    n = rs.getLong(1);
                }
            }
            if (n >= target) {
                return n;
            }
            Thread.sleep(50);
        }
        return n;
    }
}
