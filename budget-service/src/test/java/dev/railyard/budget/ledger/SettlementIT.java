package dev.railyard.budget.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.budget.Results;
import dev.railyard.budget.catalog.Budget;
import dev.railyard.budget.catalog.BudgetCatalog;
import dev.railyard.budget.report.BudgetReport;
import dev.railyard.budget.report.BudgetStatus;
import dev.railyard.config.BudgetPeriod;
import dev.railyard.config.BudgetSpec;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobResult;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ledger's transaction settles the router's reservations exactly once, with the billed cost. */
@ExtendWith(SharedInfrastructure.class)
class SettlementIT {
    private static final Instant NOW = Instant.parse("2026-03-15T10:20:00Z");
    private static final OffsetDateTime DAY = OffsetDateTime.parse("2026-03-15T00:00:00Z");
    private final EventCodec codec = new EventCodec();

    private DataSource db;
    private LedgerWriter writer;
    private String budget;
    private String other;

    @BeforeEach
    void setUp(SharedInfrastructure.Servers servers) throws SQLException {
        db = servers.dataSource();
        writer = new LedgerWriter(db);
        String prefix = "settle-" + UUID.randomUUID().toString().substring(0, 8); // the database is shared
        budget = prefix + "-a";
        other = prefix + "-b";
        sql("insert into budget_windows (budget_id, window_start, spent, reserved) values (?, ?, 0.5, 0)", budget, DAY);
        sql("insert into budget_windows (budget_id, window_start, spent, reserved) values (?, ?, 0, 0)", other, DAY);
    }

    /** What the router does for a job it dispatches. */
    private void reserve(String jobId, String budgetId, String amount) throws SQLException {
        sql("insert into budget_reservations (job_id, budget_id, window_start, amount) values (?, ?, ?, " + amount + ")", jobId, budgetId, DAY);
        sql("update budget_windows set reserved = reserved + " + amount + " where budget_id = ? and window_start = ?", budgetId, DAY);
    }

    private void sql(String statement, Object... args) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    private BigDecimal[] window(String budgetId) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("select spent, reserved from budget_windows where budget_id = ? and window_start = ?")) {
            ps.setString(1, budgetId);
            ps.setObject(2, DAY);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new BigDecimal[] {rs.getBigDecimal(1), rs.getBigDecimal(2)};
            }
        }
    }

    private long unsettled(String jobId) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("select count(*) from budget_reservations where job_id = ? and settled_at is null")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void write(JobResult... results) throws SQLException {
        writer.write(java.util.Arrays.stream(results)
                .map(r -> ResultProjection.of(r, NOW, d -> Optional.of("openai"), codec.mapper())).toList());
    }

    private static JobResult succeeded(String jobId, String cost) {
        return Results.succeeded(jobId, "acme", null, "gpt-4o-mini",
                List.of(Results.billed(jobId, 1, 1, "openai-gpt-4o-mini", "openai", "gpt-4o-mini", 100, 50, cost)), "ok");
    }

    @Test
    void a_terminal_result_moves_the_reservation_to_the_billed_spend_on_every_reserved_budget() throws SQLException {
        String job = "job-" + budget;
        reserve(job, budget, "0.30");
        reserve(job, other, "0.30");
        write(succeeded(job, "0.012"));
        assertThat(window(budget)[0]).isEqualByComparingTo("0.512");
        assertThat(window(budget)[1]).isEqualByComparingTo("0");
        assertThat(window(other)[0]).isEqualByComparingTo("0.012");
        assertThat(window(other)[1]).isEqualByComparingTo("0");
        assertThat(unsettled(job)).isZero();
    }

    @Test
    void a_redelivered_or_second_result_settles_nothing_again() throws SQLException {
        String job = "job-" + budget;
        reserve(job, budget, "0.30");
        JobResult first = succeeded(job, "0.012");
        write(first);
        write(first);
        write(succeeded(job, "0.2")); // a duplicate call after a crash: the job is already terminal
        write(first, first); // the same record twice in one batch
        assertThat(window(budget)[0]).isEqualByComparingTo("0.512");
        assertThat(window(budget)[1]).isEqualByComparingTo("0");
    }

    @Test
    void a_failed_job_releases_its_reservation_with_what_it_was_billed() throws SQLException {
        String unbilled = "failed-" + budget;
        String billed = "failed-billed-" + budget;
        reserve(unbilled, budget, "0.25");
        reserve(billed, budget, "0.25");
        write(Results.failed(unbilled, "acme", "gpt-4o-mini",
                        List.of(Results.rateLimited(unbilled, 1, 1, "openai-gpt-4o-mini", "openai", "gpt-4o-mini")), ErrorType.RATE_LIMITED),
                Results.failed(billed, "acme", "gpt-4o-mini",
                        List.of(Results.billed(billed, 1, 1, "openai-gpt-4o-mini", "openai", "gpt-4o-mini", 10, 10, "0.001")),
                        ErrorType.STRUCTURED_OUTPUT_INVALID));
        assertThat(window(budget)[0]).isEqualByComparingTo("0.501");
        assertThat(window(budget)[1]).isEqualByComparingTo("0");
    }

    @Test
    void a_job_without_reservations_settles_nothing() throws SQLException {
        write(succeeded("unreserved-" + budget, "0.07"));
        assertThat(window(budget)[0]).isEqualByComparingTo("0.5");
        assertThat(window(budget)[1]).isEqualByComparingTo("0");
    }

    @Test
    void the_report_shows_the_current_window_of_every_budget() throws SQLException {
        reserve("pending-" + budget, budget, "0.125");
        BudgetSpec daily = new BudgetSpec(budget, BudgetSpec.Scope.TENANT, "acme", BudgetPeriod.DAILY, new BigDecimal("1.00"), BudgetSpec.Action.REJECT);
        BudgetSpec unused = new BudgetSpec(other + "-total", BudgetSpec.Scope.GLOBAL, null, BudgetPeriod.TOTAL, new BigDecimal("5"), BudgetSpec.Action.WARN);
        List<BudgetStatus> report = new BudgetReport(new BudgetCatalog(List.of(daily, unused)), db, Clock.fixed(NOW, ZoneOffset.UTC))
                .current().stream().filter(s -> s.budget().source() == Budget.Source.CONFIG).toList();
        assertThat(report.get(0).spent()).isEqualByComparingTo("0.5");
        assertThat(report.get(0).reserved()).isEqualByComparingTo("0.125");
        assertThat(report.get(0).remaining()).isEqualByComparingTo("0.375");
        assertThat(report.get(0).windowStart()).isEqualTo(Instant.parse("2026-03-15T00:00:00Z"));
        assertThat(report.get(0).resetsAt()).isEqualTo(Instant.parse("2026-03-16T00:00:00Z"));
        assertThat(report.get(1).spent()).isZero();
        assertThat(report.get(1).remaining()).isEqualByComparingTo("5");
        assertThat(report.get(1).windowStart()).isEqualTo(Instant.EPOCH);
        assertThat(report.get(1).resetsAt()).isNull();
    }
}
