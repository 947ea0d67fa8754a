package dev.railyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.simulator.SimulatorSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code railyard spend}, {@code estimate} and {@code budget} against a running platform, and
 * {@code POST /v1/batches?dry_run=true} through the whole API (api-ingest's own batch route behind it).
 */
@ExtendWith(SharedInfrastructure.class)
class CliReadCommandsIT {
    /** Unique per run: the database is shared by every test class. */
    private static final String BUDGET = "cli-" + UUID.randomUUID().toString().substring(0, 8);
    private static Platform platform;
    private static RailyardClient client;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers, @TempDir Path dir) throws IOException {
        String base;
        try (InputStream in = CliReadCommandsIT.class.getResourceAsStream("/e2e-railyard.yaml")) {
            base = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path config = dir.resolve("railyard.yaml");
        Files.writeString(config, base + """
                budgets:
                  - { id: %s, scope: global, period: daily, limit_usd: 100, action: warn }
                """.formatted(BUDGET));
        platform = Platform.start(PlatformSettings.embedded(dir)
                .withExternal(servers.bootstrapServers(), servers.jdbcUrl(), servers.dbUser(), servers.dbPassword())
                .withConfigFile(config)
                .withSimulator(new SimulatorSettings(0, 0, 0, 0, 10, 2500, 11)));
        client = new RailyardClient(platform.apiBaseUrl());
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    private static String line(String id, String model, String content) {
        return "{\"custom_id\":\"" + id + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"" + model
                + "\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}}\n";
    }

    @Test
    void spend_prints_the_ledger_as_the_api_reports_it(@TempDir Path out) {
        String from = Instant.now().minusSeconds(1).toString();
        BatchRun.Outcome o = new BatchRun(client).run(E2e.batch("cli-spend", 10, ""), out.resolve("o.jsonl"), out.resolve("e.jsonl"),
                Duration.ofMinutes(2), n -> { });
        assertThat(o.completed()).isEqualTo(10);
        String query = "/v1/spend?group_by=batch,model&from=" + URLEncoder.encode(from, StandardCharsets.UTF_8);
        JsonNode api = client.get(query);
        assertThat(api.path("data")).isNotEmpty();

        CliRun table = CliRun.of("spend", "--group-by", "batch,model", "--from", from, "--api", platform.apiBaseUrl());

        assertThat(table.code()).as(table.err()).isZero();
        String[] lines = table.out().split("\n");
        assertThat(lines[0]).matches("batch +model +entries +prompt_tokens +completion_tokens +cost +estimated");
        for (JsonNode row : api.path("data")) {
            String batch = row.path("batch").isNull() ? "-" : row.path("batch").asText();
            assertThat(table.out()).containsPattern(batch + " +" + row.path("model").asText() + " +" + row.path("entries").asLong() + " ");
        }
        assertThat(table.out()).contains(o.batchId()).contains("gpt-4o-mini").contains("text-embedding-3-small");
        assertThat(lines[lines.length - 1]).isEqualTo("total " + TextTable.money(api.path("total_cost").asText()));

        CliRun json = CliRun.of("spend", "--group-by", "batch,model", "--from", from, "--json", "--api", platform.apiBaseUrl());
        assertThat(json.out()).contains("\"group_by\" : [ \"batch\", \"model\" ]").contains(o.batchId());

        CliRun daily = CliRun.of("spend", "--bucket", "day", "--from", from, "--api", platform.apiBaseUrl());
        assertThat(daily.out().split("\n")[0]).startsWith("day  ");
    }

    @Test
    void spend_with_a_bad_parameter_exits_1_naming_it() {
        CliRun bad = CliRun.of("spend", "--bucket", "fortnight", "--api", platform.apiBaseUrl());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("HTTP 400").contains("\"param\":\"bucket\"");

        CliRun down = CliRun.of("budget", "--api", "http://127.0.0.1:1");
        assertThat(down.code()).isEqualTo(1);
        assertThat(down.err()).contains("cannot reach the API at http://127.0.0.1:1");
    }

    @Test
    void estimate_prints_totals_per_model_and_the_invalid_lines(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("batch.jsonl");
        String jsonl = line("e1", "gpt-4o-mini", "Say hello") + line("e2", "gpt-4o", "Say goodbye")
                + "{\"custom_id\":\"e3\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-4o\"}}\n";
        Files.writeString(file, jsonl);
        JsonNode api = client.estimate(jsonl.getBytes(StandardCharsets.UTF_8), true);

        CliRun run = CliRun.of("estimate", file.toString(), "--api", platform.apiBaseUrl());

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("3 lines: 2 estimated, 1 invalid, 0 unroutable (/v1/chat/completions)")
                .contains("prompt tokens " + api.path("prompt_tokens").asLong() + ", max output tokens 32, worst-case cost "
                        + TextTable.money(api.path("estimated_cost").asText()))
                .containsPattern("gpt-4o +1 +\\d+ +16 +\\$[0-9.]+ +openai-gpt-4o x1")
                .containsPattern("3 +e3 +missing_field +body.messages +messages is required");
    }

    @Test
    void budget_prints_every_budget_window() {
        CliRun run = CliRun.of("budget", "--api", platform.apiBaseUrl());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out().split("\n")[0]).matches("id +scope +period +action +limit +spent +reserved +remaining +resets_at");
        assertThat(run.out()).containsPattern(BUDGET + " +global +daily +warn +\\$100(\\.00)? ");
    }

    @Test
    void a_dry_run_answers_an_estimate_and_creates_no_batch_or_job(@TempDir Path out) throws Exception {
        String prefix = "dry-" + UUID.randomUUID().toString().substring(0, 8);
        String jsonl = line(prefix + "-1", "gpt-4o-mini", "one") + line(prefix + "-2", "gpt-4.1-nano", "two");
        long batchesBefore = count("select count(*) from batches", null);

        HttpResponse<String> dry = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(platform.apiBaseUrl()
                        + "/v1/batches?dry_run=true")).header("content-type", "application/jsonl")
                .POST(HttpRequest.BodyPublishers.ofString(jsonl)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);
        JsonNode estimate = E2e.JSON.readTree(dry.body());
        assertThat(estimate.path("object").asText()).isEqualTo("estimate");
        assertThat(estimate.path("estimated_lines").asInt()).isEqualTo(2);
        assertThat(estimate.path("estimated_cost").asText()).isEqualTo(
                client.estimate(jsonl.getBytes(StandardCharsets.UTF_8), true).path("estimated_cost").asText());
        assertThat(count("select count(*) from batches", null)).isEqualTo(batchesBefore);
        assertThat(count("select count(*) from jobs where custom_id like ?", prefix + "%")).isZero();

        // Without dry_run the same body still reaches api-ingest's batch route and becomes a batch.
        // (run to completion, so no job of it is still spending while another test reads the ledger)
        BatchRun.Outcome real = new BatchRun(client).run(jsonl.getBytes(StandardCharsets.UTF_8), out.resolve("o.jsonl"),
                out.resolve("e.jsonl"), Duration.ofMinutes(2), n -> { });
        assertThat(real.completed()).isEqualTo(2);
        assertThat(count("select count(*) from batches", null)).isEqualTo(batchesBefore + 1);
        assertThat(count("select count(*) from jobs where custom_id like ?", prefix + "%")).isEqualTo(2);
    }

    private static long count(String sql, String param) throws SQLException {
        try (Connection c = platform.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (param != null) {
                ps.setString(1, param);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
