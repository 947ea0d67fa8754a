package dev.railyard.bench.flow;

import dev.railyard.launcher.Platform;
import dev.railyard.launcher.PlatformSettings;
import dev.railyard.launcher.RailyardClient;
import dev.railyard.simulator.Simulator;
import dev.railyard.simulator.SimulatorSettings;
import dev.railyard.simulator.SimulatorStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Issue 4, quota use: one deployment whose provider key allows R requests per minute (the simulator enforces it
 * in fixed 60 s windows from the key's first request and answers 429 with real headers beyond it), a standing
 * backlog far larger than R, for D minutes. Prints the calls the simulator accepted in each full window against
 * R, and the share of calls answered 429. With {@code --no-limit} the deployment has no {@code limits}, so only
 * the provider's quota headers and 429 pauses hold the workers back.
 *
 * <p>Usage: {@code QuotaBench [--rpm 600] [--minutes 5] [--latency-ms 200] [--no-limit]}
 */
public final class QuotaBench {
    private static final String MODEL = "gpt-4o-mini";

    private QuotaBench() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = FlowSupport.args(argv);
        long rpm = FlowSupport.number(args, "rpm", 600);
        int minutes = (int) FlowSupport.number(args, "minutes", 5);
        long latencyMs = FlowSupport.number(args, "latency-ms", 200);
        boolean limited = !args.containsKey("no-limit");
        // Enough for every window plus one more: the backlog never runs dry while we measure.
        int jobs = (int) (rpm * (minutes + 1) + 100);
        System.out.printf("quota bench: simulator allows %d requests/min for the key, latency %d ms, %d jobs queued at once, %d min, deployment %s%n",
                rpm, latencyMs, jobs, minutes, limited ? "limits {rpm: " + rpm + "}" : "without limits (headers and 429 pauses only)");
        Path config = FlowSupport.writeConfig(config(limited ? rpm : 0));
        SimulatorSettings sim = SimulatorSettings.defaults().withLatencyMs(latencyMs).withRequestsPerMinute(rpm);
        try (Platform platform = Platform.start(PlatformSettings.embedded(Files.createTempDirectory("railyard-quota-"))
                .withSimulator(sim).withConfigFile(config))) {
            Simulator simulator = platform.simulator();
            RailyardClient client = new RailyardClient(platform.apiBaseUrl());
            client.submitBatch(FlowSupport.jsonl("quota", jobs, MODEL));

            // The simulator's window starts at the key's first request. Answers are counted when sent, a latency
            // after admission, so the first answer and every window's last answer are both that late: reading the
            // counters 60 s apart from the first answer reads whole windows (to within the 5 ms poll).
            long first = awaitFirstAnswer(simulator);
            List<SimulatorStats> atBoundary = new ArrayList<>();
            atBoundary.add(new SimulatorStats(0, Map.of(), 0));
            for (int w = 1; w <= minutes; w++) {
                long due = first + w * 60_000L;
                while (System.currentTimeMillis() < due) {
                    Thread.sleep(Math.min(250, Math.max(1, due - System.currentTimeMillis())));
                }
                SimulatorStats s = simulator.stats();
                atBoundary.add(s);
                long ok = s.count(200) - atBoundary.get(w - 1).count(200);
                long limitedCalls = s.count(429) - atBoundary.get(w - 1).count(429);
                System.out.printf("  minute %d: %d calls accepted = %.1f %% of %d, %d answered 429%n",
                        w, ok, 100.0 * ok / rpm, rpm, limitedCalls);
            }
            SimulatorStats end = atBoundary.get(minutes);
            long ok = end.count(200);
            long tooMany = end.count(429);
            long calls = end.totalRequests();
            System.out.printf("quota used: %d calls accepted in %d full windows = %.1f %% of %d (target >= 97 %%)%n",
                    ok, minutes, 100.0 * ok / (rpm * minutes), rpm * minutes);
            System.out.printf("429s: %d of %d calls = %.2f %% (target < 0.5 %%); other statuses %s%n",
                    tooMany, calls, calls == 0 ? 0.0 : 100.0 * tooMany / calls, others(end));
        }
    }

    private static String others(SimulatorStats s) {
        Map<Integer, Long> rest = new java.util.TreeMap<>(s.byStatus());
        rest.remove(200);
        rest.remove(429);
        return rest.toString();
    }

    private static long awaitFirstAnswer(Simulator simulator) throws InterruptedException {
        while (simulator.stats().totalRequests() == 0) {
            Thread.sleep(5);
        }
        return System.currentTimeMillis();
    }

    private static String config(long rpm) {
        String limits = rpm > 0 ? ", limits: { rpm: " + rpm + " }" : "";
        return """
                providers:
                  openai:
                    type: openai-compatible
                    base_url: https://api.openai.com/v1
                    simulate_without_key: true
                    timeout_ms: 60000
                    max_in_flight: 256
                models:
                  gpt-4o-mini:
                    owned_by: openai
                    kind: chat
                    input_per_million: 0.15
                    output_per_million: 0.60
                    context_window: 128000
                    capabilities: [chat]
                deployments:
                  - { id: openai-gpt-4o-mini, provider: openai, model: gpt-4o-mini%s }
                retry:
                  max_attempts: 20
                  base_delay_ms: 250
                  max_delay_ms: 30000
                """.formatted(limits);
    }
}
