package dev.railyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.simulator.SimulatorSettings;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code railyard keys create|list|revoke} against a running platform, and what keys do across it: the submitting key
 * on the ledger ({@code group_by=key}) and on an api_key budget, tenant-scoped spend and budgets, revocation. The
 * platform gets a database of its own: the keys made here would otherwise close the open API other test classes use.
 */
@ExtendWith(SharedInfrastructure.class)
class CliKeysIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SECRET = Pattern.compile("secret: (ry-[A-Za-z0-9_-]{43})");
    private static Platform platform;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers, @TempDir Path dir) throws Exception {
        String name = "cli_keys_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = servers.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
        String url = servers.jdbcUrl().replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + name);
        String base;
        try (InputStream in = CliKeysIT.class.getResourceAsStream("/e2e-railyard.yaml")) {
            base = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path config = dir.resolve("railyard.yaml");
        Files.writeString(config, base + """
                budgets:
                  - { id: team-a-daily, scope: tenant, tenant: team-a, period: daily, limit_usd: 100, action: warn }
                  - { id: everyone, scope: global, period: daily, limit_usd: 1000, action: warn }
                """);
        platform = Platform.start(PlatformSettings.embedded(dir)
                .withExternal(servers.bootstrapServers(), url, servers.dbUser(), servers.dbPassword())
                .withConfigFile(config)
                .withSimulator(new SimulatorSettings(0, 0, 0, 0, 10, 2500, 11)));
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    private static String secret(CliRun run) {
        Matcher m = SECRET.matcher(run.out());
        assertThat(m.find()).as(run.out() + run.err()).isTrue();
        return m.group(1);
    }

    @Test
    void keys_are_created_listed_used_scoped_to_their_tenant_and_revoked(@TempDir Path out) throws Exception {
        String api = platform.apiBaseUrl();
        assertThat(CliRun.of("keys", "list", "--api", api).out()).contains("no API keys");

        CliRun notAdmin = CliRun.of("keys", "create", "--tenant", "ops", "--scopes", "submit,read", "--api", api);
        assertThat(notAdmin.code()).isEqualTo(1);
        assertThat(notAdmin.err()).contains("HTTP 400").contains("first_key_needs_admin");

        CliRun bootstrap = CliRun.of("keys", "create", "--tenant", "ops", "--scopes", "admin,read", "--name", "operators", "--api", api);
        assertThat(bootstrap.code()).as(bootstrap.err()).isZero();
        assertThat(bootstrap.out()).contains("for tenant ops (scopes read, admin)").contains("Shown once");
        String admin = secret(bootstrap);

        CliRun team = CliRun.of("keys", "create", "--tenant", "team-a", "--scopes", "submit,read", "--rpm", "1000", "--api", api, "--api-key", admin);
        assertThat(team.code()).as(team.err()).isZero();
        String teamKey = secret(team);
        String teamKeyId = team.out().replaceFirst("(?s)^created (key_[A-Za-z0-9_-]{24}).*", "$1");
        assertThat(teamKeyId).startsWith("key_").hasSize(28);

        CliRun listed = CliRun.of("keys", "list", "--api", api, "--api-key", admin);
        assertThat(listed.code()).as(listed.err()).isZero();
        assertThat(listed.out().split("\n")[0]).matches("id +tenant +name +scopes +prefix +rpm +created +last_used +revoked");
        assertThat(listed.out()).contains(teamKeyId).contains("team-a").contains("operators").contains("1000")
                .contains(teamKey.substring(0, 10) + "…").doesNotContain(teamKey.substring(10)).doesNotContain(admin.substring(10));
        assertThat(CliRun.of("keys", "list", "--tenant", "team-a", "--api", api, "--api-key", admin).out()).doesNotContain("operators");
        CliRun anonymous = CliRun.of("keys", "list", "--api", api);
        assertThat(anonymous.code()).isEqualTo(1);
        assertThat(anonymous.err()).contains("HTTP 401").contains("invalid_api_key");

        RailyardClient adminClient = new RailyardClient(api, admin);
        adminClient.post("/v1/budgets", JSON.readTree("{\"id\":\"team-key\",\"scope\":\"api_key\",\"api_key\":\"" + teamKeyId
                + "\",\"period\":\"daily\",\"limit_usd\":\"50\",\"action\":\"warn\"}"));
        RailyardClient teamClient = new RailyardClient(api, teamKey);
        BatchRun.Outcome o = new BatchRun(teamClient).run(E2e.batch("keys", 10, ""), out.resolve("o.jsonl"), out.resolve("e.jsonl"),
                Duration.ofMinutes(2), n -> { });
        assertThat(o.completed()).isEqualTo(10);

        JsonNode byKey = await(() -> adminClient.get("/v1/spend?group_by=key,tenant"),
                body -> body.path("data").findValues("entries").stream().mapToLong(JsonNode::asLong).sum() >= 10);
        assertThat(byKey.path("data")).singleElement().satisfies(row -> {
            assertThat(row.path("key").asText()).isEqualTo(teamKeyId);
            assertThat(row.path("tenant").asText()).isEqualTo("team-a");
        });
        await(() -> adminClient.get("/v1/budgets/team-key"), b -> new BigDecimal(b.path("spent").asText()).signum() > 0);

        JsonNode ownSpend = teamClient.get("/v1/spend?group_by=tenant");
        assertThat(ownSpend.path("tenant").asText()).isEqualTo("team-a");
        assertThat(ownSpend.path("data")).allSatisfy(row -> assertThat(row.path("tenant").asText()).isEqualTo("team-a"));
        CliRun otherSpend = CliRun.of("spend", "--tenant", "ops", "--api", api, "--api-key", teamKey);
        assertThat(otherSpend.code()).isEqualTo(1);
        assertThat(otherSpend.err()).contains("HTTP 403").contains("insufficient_scope");
        assertThat(CliRun.of("spend", "--group-by", "key", "--api", api, "--api-key", teamKey).out()).contains(teamKeyId);

        assertThat(teamClient.get("/v1/budgets").path("data")).extracting(b -> b.path("id").asText()).containsExactly("team-a-daily");
        assertThat(adminClient.get("/v1/budgets").path("data")).extracting(b -> b.path("id").asText())
                .contains("team-a-daily", "everyone", "team-key");
        assertThat(CliRun.of("budget", "--api", api, "--api-key", teamKey).out()).contains("team-a-daily").doesNotContain("everyone");

        CliRun revoked = CliRun.of("keys", "revoke", teamKeyId, "--api", api, "--api-key", admin);
        assertThat(revoked.code()).as(revoked.err()).isZero();
        assertThat(revoked.out()).contains("revoked " + teamKeyId + " (tenant team-a)");
        CliRun after = CliRun.of("budget", "--api", api, "--api-key", teamKey);
        assertThat(after.code()).isEqualTo(1);
        assertThat(after.err()).contains("HTTP 401");
        String line = CliRun.of("keys", "list", "--api", api, "--api-key", admin).out().lines()
                .filter(l -> l.startsWith(teamKeyId)).findFirst().orElseThrow();
        assertThat(line).as("the revocation time is listed").endsWith("Z");
    }

    /** Polls {@code read} until {@code done} (60 s at most): the ledger is written as results arrive, after the batch reads complete. */
    private static JsonNode await(Supplier<JsonNode> read, Predicate<JsonNode> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode body = read.get();
        while (!done.test(body) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            body = read.get();
        }
        assertThat(done.test(body)).as(body.toString()).isTrue();
        return body;
    }
}
