package dev.railyard.bench.flow;

import dev.railyard.config.ProviderConfig;
import dev.railyard.launcher.Platform;
import dev.railyard.launcher.PlatformSettings;
import dev.railyard.launcher.RailyardClient;
import dev.railyard.simulator.Simulator;
import dev.railyard.simulator.SimulatorSettings;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Issue 4, routing: three deployments serving the same requests at three prices, each behind its own simulator;
 * the cheapest one fails half its calls. The same N jobs go once through Railyard's routing (a route weighted by
 * cost, with live health and circuits) and once through an equal three-way split by job id (round-robin in effect;
 * the split still skips a deployment whose circuit is open, because circuits cannot be switched off from the
 * configuration). Prints success rate, cost per successful job and calls made, per deployment and in total.
 *
 * <p>Prices belong to models in Railyard's catalog, so the three "deployments of one model" are three catalog
 * models with the same capabilities and different prices, all answered by the simulator.
 *
 * <p>Usage: {@code RoutingBench [--jobs 3000] [--latency-ms 200] [--error-rate 0.5] [--max-attempts 2] [--only railyard|round-robin]}
 */
public final class RoutingBench {
    /** model, input $/M, output $/M; the first is the flaky one. */
    private static final String[][] TIERS = {
            {"chat-cheap", "0.10", "0.40"},
            {"chat-mid", "0.15", "0.60"},
            {"chat-premium", "2.50", "10.00"},
    };

    private RoutingBench() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = FlowSupport.args(argv);
        int jobs = (int) FlowSupport.number(args, "jobs", 3000);
        long latencyMs = FlowSupport.number(args, "latency-ms", 200);
        double errorRate = Double.parseDouble(args.getOrDefault("error-rate", "0.5"));
        int maxAttempts = (int) FlowSupport.number(args, "max-attempts", 2);
        String only = args.get("only");
        System.out.printf("routing bench: %d jobs, simulator latency %d ms, %s fails %.0f %% of calls (injected 429/5xx/drops), "
                        + "retry max_attempts %d per deployment, then the next ranked fallback%n",
                jobs, latencyMs, TIERS[0][0], errorRate * 100, maxAttempts);
        for (String route : List.of("railyard", "round-robin")) {
            if (only == null || only.equals(route)) {
                run(route, jobs, latencyMs, errorRate, maxAttempts);
            }
        }
    }

    private static void run(String route, int jobs, long latencyMs, double errorRate, int maxAttempts) throws Exception {
        Vertx vertx = Vertx.vertx();
        List<Simulator> sims = new ArrayList<>();
        try {
            for (int i = 0; i < TIERS.length; i++) {
                SimulatorSettings s = SimulatorSettings.defaults().withLatencyMs(latencyMs).withSeed(42 + i)
                        // Injected drops hold the connection this long, not the default two minutes.
                        .withTimeoutHoldMs(1000).withRetryAfterMs(1000)
                        .withErrorRate(i == 0 ? errorRate : 0.0);
                Simulator sim = new Simulator(vertx, s);
                sim.start().toCompletionStage().toCompletableFuture().join();
                sims.add(sim);
            }
            var config = FlowSupport.writeConfig(config(sims, maxAttempts));
            try (Platform platform = Platform.start(PlatformSettings.embedded(Files.createTempDirectory("railyard-routing-"))
                    .withConfigFile(config))) {
                RailyardClient client = new RailyardClient(platform.apiBaseUrl());
                long t0 = System.nanoTime();
                String batch = client.submitBatch(FlowSupport.jsonl(route, jobs, "route:" + route)).path("id").asText();
                FlowSupport.awaitTerminal(platform, jobs, 15 * 60_000L, "batch_id = ?", batch);
                double seconds = (System.nanoTime() - t0) / 1e9;
                report(route, platform, batch, jobs, sims, seconds);
            }
        } finally {
            for (Simulator s : sims) {
                s.close();
            }
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private static void report(String route, Platform platform, String batch, int jobs, List<Simulator> sims, double seconds)
            throws Exception {
        Map<String, Long> states = new TreeMap<>();
        long succeeded = 0;
        BigDecimal cost = BigDecimal.ZERO;
        Map<String, long[]> perDeployment = new TreeMap<>();
        Map<String, BigDecimal> costPerDeployment = new TreeMap<>();
        try (Connection c = platform.dataSource().getConnection()) {
            try (PreparedStatement st = c.prepareStatement("select state, count(*) from jobs where batch_id = ? group by state")) {
                st.setString(1, batch);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        states.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            succeeded = states.getOrDefault("succeeded", 0L);
            try (PreparedStatement st = c.prepareStatement("""
                    select a.deployment_id, count(*), count(*) filter (where a.error is null), coalesce(sum(a.cost), 0)
                    from attempts a join jobs j on j.id = a.job_id where j.batch_id = ? group by a.deployment_id""")) {
                st.setString(1, batch);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        perDeployment.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                        costPerDeployment.put(rs.getString(1), rs.getBigDecimal(4));
                        cost = cost.add(rs.getBigDecimal(4));
                    }
                }
            }
        }
        long calls = perDeployment.values().stream().mapToLong(v -> v[0]).sum();
        long simCalls = sims.stream().mapToLong(s -> s.stats().totalRequests()).sum();
        System.out.printf("%s: %d jobs in %.1f s; success %.2f %% (%s)%n", route, jobs, seconds, 100.0 * succeeded / jobs, states);
        System.out.printf("  cost per successful job $%s (total $%s); calls made %d recorded attempts, %d answered by the simulators (%.3f per job)%n",
                succeeded == 0 ? "-" : cost.divide(BigDecimal.valueOf(succeeded), 9, RoundingMode.HALF_UP).toPlainString(),
                cost.setScale(6, RoundingMode.HALF_UP).toPlainString(), calls, simCalls, (double) simCalls / jobs);
        for (Map.Entry<String, long[]> e : perDeployment.entrySet()) {
            System.out.printf("    %-14s %6d calls, %6d ok, $%s%n", e.getKey(), e.getValue()[0], e.getValue()[1],
                    costPerDeployment.get(e.getKey()).setScale(6, RoundingMode.HALF_UP).toPlainString());
        }
        for (int i = 0; i < sims.size(); i++) {
            System.out.printf("    simulator %-12s answers by status %s%n", TIERS[i][0], new TreeMap<>(sims.get(i).stats().byStatus()));
        }
    }

    private static String config(List<Simulator> sims, int maxAttempts) {
        StringBuilder providers = new StringBuilder("providers:\n");
        StringBuilder models = new StringBuilder("models:\n");
        StringBuilder deployments = new StringBuilder("deployments:\n");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < TIERS.length; i++) {
            String name = TIERS[i][0];
            names.add(name);
            providers.append("""
                      sim-%s:
                        type: openai-compatible
                        base_url: http://127.0.0.1:%d/v1
                        api_key: %s
                        simulate_without_key: false
                        timeout_ms: 10000
                        max_in_flight: 256
                    """.formatted(name, sims.get(i).port(), ProviderConfig.SIMULATOR_API_KEY));
            models.append("""
                      %s:
                        owned_by: bench
                        kind: chat
                        input_per_million: %s
                        output_per_million: %s
                        context_window: 128000
                        capabilities: [chat]
                    """.formatted(name, TIERS[i][1], TIERS[i][2]));
            deployments.append("  - { id: %s, provider: sim-%s, model: %s, provider_model: gpt-4o-mini }\n".formatted(name, name, name));
        }
        String targets = String.join(", ", names);
        String equal = String.join(", ", names.stream().map(n -> n + ": 1").toList());
        return providers + "\n" + models + "\n" + deployments + """

                routes:
                  railyard:
                    targets: [%s]
                    weights: { cost: 1 }
                  round-robin:
                    targets: [%s]
                    split: { by: job_id, variants: { %s } }

                retry:
                  max_attempts: %d
                  base_delay_ms: 250
                  max_delay_ms: 5000
                """.formatted(targets, targets, equal, maxAttempts);
    }
}
