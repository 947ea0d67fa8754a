package dev.railyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.simulator.SimulatorSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A batch through the whole platform, then {@code GET /metrics} shows what happened, under the names docs/metrics.md lists. */
@ExtendWith(SharedInfrastructure.class)
class MetricsEndToEndIT {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @Test
    void tokens_jobs_by_state_consumer_lag_and_spend_are_scraped_with_plausible_values(SharedInfrastructure.Servers servers,
            @TempDir Path dir) throws Exception {
        Instant started = Instant.now();
        // A fifth of the calls fail (transiently), so retries and error types show too.
        try (Platform platform = E2e.platform(servers, dir, new SimulatorSettings(0, 0, 0, 0.2, 10, 2500, 42))) {
            BatchRun.Outcome o = new BatchRun(new RailyardClient(platform.apiBaseUrl())).run(E2e.batch("metrics", 60, ""),
                    dir.resolve("o.jsonl"), dir.resolve("e.jsonl"), Duration.ofMinutes(2), n -> { });
            assertThat(o.completed()).isEqualTo(60);
            long succeeded = count(platform, "select count(*) from jobs where state = 'succeeded'");

            // The job and lag gauges are refreshed every 15 s: wait for a refresh after the batch ended.
            String text = scrapeUntil(platform, t -> sum(t, "railyard_jobs", Map.of("state", "succeeded")) >= succeeded
                    && !samples(t, "railyard_consumer_lag", Map.of("group", "railyard-budget", "topic", "railyard.jobs.results")).isEmpty(),
                    Duration.ofSeconds(60));

            // 54 chat jobs and 6 embeddings, at least one answered call each.
            assertThat(sum(text, "gen_ai_client_token_usage_count", Map.of("gen_ai_token_type", "input",
                    "gen_ai_operation_name", "chat"))).isGreaterThanOrEqualTo(54);
            assertThat(sum(text, "gen_ai_client_token_usage_count", Map.of("gen_ai_token_type", "input",
                    "gen_ai_operation_name", "embeddings"))).isGreaterThanOrEqualTo(6);
            assertThat(sum(text, "gen_ai_client_token_usage_sum", Map.of("gen_ai_token_type", "output"))).isPositive();
            double calls = sum(text, "gen_ai_client_operation_duration_seconds_count", Map.of());
            double failedCalls = sum(text, "railyard_attempts_total", Map.of()) - sum(text, "railyard_attempts_total",
                    Map.of("outcome", "succeeded"));
            assertThat(calls).isEqualTo(sum(text, "railyard_attempts_total", Map.of())).isGreaterThanOrEqualTo(60);
            assertThat(failedCalls).as("the simulator failed some calls").isPositive();
            assertThat(samples(text, "gen_ai_client_operation_duration_seconds_count", Map.of()).keySet())
                    .anyMatch(labels -> labels.contains("error_type=\""));
            assertThat(sum(text, "railyard_retries_total", Map.of())).isPositive();
            assertThat(sum(text, "railyard_jobs", Map.of("state", "succeeded"))).isGreaterThanOrEqualTo(60);
            assertThat(sum(text, "railyard_tenant_backlog", Map.of()))
                    .as("the backlog's series add up to the queued jobs").isEqualTo(sum(text, "railyard_jobs", Map.of("state", "queued")));
            assertThat(sum(text, "railyard_consumer_lag", Map.of("group", "railyard-budget", "topic", "railyard.jobs.results")))
                    .isGreaterThanOrEqualTo(0);
            // What this platform's budget service added to the ledger, and nothing else.
            double ledger = count(platform, "select coalesce(sum(cost), 0) from spend_ledger where recorded_at >= ?", started);
            assertThat(ledger).isPositive();
            assertThat(sum(text, "railyard_spend_usd_total", Map.of("tenant", "default"))).isCloseTo(ledger,
                    org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    private static String scrapeUntil(Platform platform, Predicate<String> ready, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(platform.apiBaseUrl() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            if (ready.test(r.body())) {
                return r.body();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("metrics not ready in " + timeout + ":\n" + r.body().lines()
                        .filter(l -> l.startsWith("railyard_")).limit(60).reduce("", (a, b) -> a + b + "\n"));
            }
            Thread.sleep(500);
        }
    }

    /** Samples of a metric whose labels include {@code labels}, by their label text. */
    private static Map<String, Double> samples(String text, String name, Map<String, String> labels) {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.matches() || !m.group(1).equals(name)) {
                continue;
            }
            Map<String, String> have = new java.util.HashMap<>();
            Matcher l = LABEL.matcher(m.group(3) == null ? "" : m.group(3));
            while (l.find()) {
                have.put(l.group(1), l.group(2));
            }
            if (have.entrySet().containsAll(labels.entrySet())) {
                out.put(m.group(3) == null ? "" : m.group(3), Double.parseDouble(m.group(4)));
            }
        }
        return out;
    }

    private static double sum(String text, String name, Map<String, String> labels) {
        return samples(text, name, labels).values().stream().mapToDouble(Double::doubleValue).sum();
    }

    private static long count(Platform platform, String sql) throws Exception {
        return (long) count(platform, sql, null);
    }

    private static double count(Platform platform, String sql, Instant since) throws Exception {
        try (Connection c = platform.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (since != null) {
                ps.setTimestamp(1, Timestamp.from(since));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getDouble(1);
            }
        }
    }
}
