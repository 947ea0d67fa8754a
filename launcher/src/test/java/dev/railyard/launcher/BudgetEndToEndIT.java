package dev.railyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.Outcome;
import dev.railyard.simulator.SimulatorSettings;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's test: 1,000 jobs at once against a $1.00 reject budget, through every service. Prices are set
 * so the batch would cost several dollars without the budget; the reservations must hold the ledger to $1.00.
 */
@ExtendWith(SharedInfrastructure.class)
class BudgetEndToEndIT {
    private static final EventCodec CODEC = new EventCodec();
    private static final int JOBS = 1000;
    /** Unique per run: the database is shared by every test class. */
    private static final String BUDGET = "e2e-hard-" + UUID.randomUUID().toString().substring(0, 8);
    private static Platform platform;
    private static RailyardClient client;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers, @TempDir Path dir) throws IOException {
        String base;
        try (InputStream in = BudgetEndToEndIT.class.getResourceAsStream("/e2e-railyard.yaml")) {
            base = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // $80 per million tokens: a ~15-token prompt plus max_tokens 32 reserves about $0.0038 a job.
        String yaml = base.replace("gpt-4o-mini: { owned_by: openai, kind: chat, input_per_million: 0.15, cached_input_per_million: 0.075, output_per_million: 0.60,",
                        "gpt-4o-mini: { owned_by: openai, kind: chat, input_per_million: 80, cached_input_per_million: 80, output_per_million: 80,")
                + """
                budgets:
                  - { id: %s, scope: global, period: total, limit_usd: 1.00, action: reject }
                  - { id: %s-warn, scope: model, model: gpt-4o-mini, period: daily, limit_usd: 0.01, action: warn }
                """.formatted(BUDGET, BUDGET);
        assertThat(yaml).contains("input_per_million: 80");
        Path config = dir.resolve("railyard.yaml");
        Files.writeString(config, yaml);
        platform = Platform.start(PlatformSettings.embedded(dir)
                .withExternal(servers.bootstrapServers(), servers.jdbcUrl(), servers.dbUser(), servers.dbPassword())
                .withConfigFile(config)
                .withSimulator(new SimulatorSettings(0, 0, 0, 0, 10, 2500, 7)));
        client = new RailyardClient(platform.apiBaseUrl());
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    private static byte[] batch(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("{\"custom_id\":\"b-").append(i)
                    .append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-4o-mini\",")
                    .append("\"max_tokens\":32,\"messages\":[{\"role\":\"user\",\"content\":\"Budget job ").append(i).append("\"}]}}\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void a_thousand_concurrent_jobs_never_spend_past_a_one_dollar_reject_budget(@TempDir Path out) throws Exception {
        BatchRun.Outcome o = new BatchRun(client).run(batch(JOBS), out.resolve("o.jsonl"), out.resolve("e.jsonl"),
                Duration.ofMinutes(4), n -> { });

        assertThat(o.finished()).isTrue();
        assertThat(o.completed() + o.failed()).isEqualTo(JOBS);
        assertThat(o.completed()).as("some jobs ran").isPositive();
        assertThat(o.failed()).as("the budget stopped the rest").isPositive();
        List<JsonNode> errors = E2e.lines(o.errors());
        assertThat(errors).hasSize((int) o.failed())
                .allSatisfy(l -> assertThat(l.path("error").path("code").asText()).isEqualTo("budget_exceeded"));

        // Every job has exactly one terminal result; every rejection is the router's budget_exceeded.
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.read(platform.kafkaClients(), Topics.JOBS_RESULTS,
                r -> new String(r.value(), StandardCharsets.UTF_8).contains(o.batchId()), JOBS, Duration.ofSeconds(60));
        List<JobResult> results = records.stream().map(r -> CODEC.decode(r.value(), JobResult.class)).toList();
        assertThat(results.stream().map(JobResult::jobId).distinct()).hasSize(JOBS);
        Map<Outcome, Long> outcomes = results.stream().collect(Collectors.groupingBy(JobResult::outcome, Collectors.counting()));
        assertThat(outcomes).containsOnlyKeys(Outcome.SUCCEEDED, Outcome.REJECTED);
        assertThat(outcomes.get(Outcome.SUCCEEDED)).isEqualTo(o.completed());
        assertThat(results.stream().filter(r -> r.outcome() == Outcome.REJECTED))
                .allSatisfy(r -> {
                    assertThat(r.error().type()).isEqualTo(ErrorType.BUDGET_EXCEEDED);
                    assertThat(r.error().message()).contains("budget '" + BUDGET + "'");
                    assertThat(r.cost()).isZero();
                });
        BigDecimal worstCaseUnbudgeted = results.stream().map(r -> r.routing().estimatedCost()).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(worstCaseUnbudgeted).as("without the budget the batch could cost well over $1").isGreaterThan(new BigDecimal("2"));

        // The ledger never passes the limit, and the budget's window holds exactly what the ledger billed.
        BigDecimal ledger = ledgerTotal(o.batchId());
        assertThat(ledger).isPositive().isLessThanOrEqualTo(new BigDecimal("1.00"));
        // Each job's reservation really was its worst case: no job billed more than it reserved.
        assertThat(queryInt("""
                select count(*) from (select job_id, sum(cost) as billed from spend_ledger where batch_id = ? group by job_id) l
                left join budget_reservations r on r.job_id = l.job_id and r.budget_id = ?
                where r.amount is null or l.billed > r.amount""", o.batchId(), BUDGET)).isZero();
        BigDecimal[] window = awaitSettled();
        assertThat(window[0]).as("spent").isEqualByComparingTo(ledger);
        assertThat(window[1]).as("reserved after every result settled").isZero();
        assertThat(queryInt("select count(*) from jobs where batch_id = ? and state not in ('queued', 'running')", o.batchId()))
                .isEqualTo(JOBS);
        assertThat(queryInt("select count(*) from jobs where batch_id = ? and state = 'rejected'", o.batchId()))
                .isEqualTo((int) o.failed());

        JsonNode budgets = client.get("/v1/budgets");
        JsonNode hard = StreamSupport.stream(budgets.path("data").spliterator(), false)
                .filter(b -> b.path("id").asText().equals(BUDGET)).findFirst().orElseThrow();
        assertThat(new BigDecimal(hard.path("spent").asText())).isEqualByComparingTo(ledger);
        assertThat(new BigDecimal(hard.path("remaining").asText())).isEqualByComparingTo(BigDecimal.ONE.subtract(ledger));
        assertThat(hard.path("resets_at").isNull()).isTrue();
        JsonNode warn = StreamSupport.stream(budgets.path("data").spliterator(), false)
                .filter(b -> b.path("id").asText().equals(BUDGET + "-warn")).findFirst().orElseThrow();
        assertThat(new BigDecimal(warn.path("spent").asText())).as("a warn budget runs over").isGreaterThan(new BigDecimal("0.01"));
        System.out.printf("budget e2e: %d succeeded, %d rejected, ledger $%s, worst case unbudgeted $%s%n",
                o.completed(), o.failed(), ledger.toPlainString(), worstCaseUnbudgeted.toPlainString());
    }

    /** The last results may still be in the budget service's hands when the batch reports finished. */
    private static BigDecimal[] awaitSettled() throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Connection c = platform.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("select spent, reserved from budget_windows where budget_id = ?")) {
                ps.setString(1, BUDGET);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    BigDecimal[] window = {rs.getBigDecimal(1), rs.getBigDecimal(2)};
                    if (window[1].signum() == 0 || System.nanoTime() > until) {
                        return window;
                    }
                }
            }
            Thread.sleep(200);
        }
    }

    private static int queryInt(String sql, String... args) throws Exception {
        try (Connection c = platform.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static BigDecimal ledgerTotal(String batchId) throws Exception {
        try (Connection c = platform.dataSource().getConnection();
             PreparedStatement st = c.prepareStatement("select coalesce(sum(cost), 0) from spend_ledger where batch_id = ?")) {
            st.setString(1, batchId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBigDecimal(1);
            }
        }
    }
}
