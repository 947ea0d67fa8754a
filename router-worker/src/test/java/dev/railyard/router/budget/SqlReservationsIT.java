package dev.railyard.router.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.BudgetPeriod;
import dev.railyard.config.BudgetSpec;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.RoutingDecision;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedInfrastructure.class)
class SqlReservationsIT {
    private static final Instant NOW = Instant.parse("2026-03-15T10:20:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final byte[] KEY = "acme:standard".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private static final RailyardConfig BASE = new ConfigLoader(Map.of()).parse("""
            providers:
              openai: { base_url: "https://api.openai.com/v1" }
              anthropic: { type: anthropic, base_url: "https://api.anthropic.com" }
            models:
              gpt-4o-mini: { input_per_million: 0.15, output_per_million: 0.60 }
              free: { input_per_million: 0, output_per_million: 0 }
            deployments:
              - { id: d1, provider: openai, model: gpt-4o-mini }
              - { id: d-free, provider: openai, model: free }
            """, "test");

    private DataSource db;
    private String prefix;

    @BeforeEach
    void setUp(SharedInfrastructure.Servers servers) {
        db = servers.dataSource();
        prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + "-"; // the database is shared by every test
    }

    @AfterEach
    void dropHeldJobs() throws SQLException {
        // Another test's router would release them (their budgets are unknown to it).
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("delete from budget_deferrals where budget_id like ?")) {
            ps.setString(1, prefix + "%");
            ps.executeUpdate();
        }
    }

    private BudgetSpec budget(String id, BudgetSpec.Scope scope, String value, String limit, BudgetSpec.Action action) {
        return new BudgetSpec(prefix + id, scope, value, BudgetPeriod.DAILY, new BigDecimal(limit), action);
    }

    private SqlReservations reservations(BudgetSpec... budgets) {
        return new SqlReservations(BASE.withBudgets(List.of(budgets)), db, CLOCK);
    }

    private static JobSubmitted job(String id, String tenant) {
        return new JobSubmitted(1, "ev-" + id, id, NOW, tenant, null, null, 0, "/v1/chat/completions", "gpt-4o-mini",
                null, null, null, Map.of(), null);
    }

    private static RoutingDecision decision(String deployment, String cost) {
        return new RoutingDecision(deployment, "openai", "gpt-4o-mini", 10, new BigDecimal(cost), List.of(), 1, "test");
    }

    private BigDecimal[] window(String budgetId) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("select spent, reserved from budget_windows where budget_id = ? and window_start = ?")) {
            ps.setString(1, budgetId);
            ps.setObject(2, java.time.OffsetDateTime.parse("2026-03-15T00:00:00Z"));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new BigDecimal[] {rs.getBigDecimal(1), rs.getBigDecimal(2)} : null;
            }
        }
    }

    private int reservationRows(String jobId) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("select count(*) from budget_reservations where job_id = ?")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void reserves_the_estimate_on_every_matching_budget_in_the_day_window() throws SQLException {
        BudgetSpec global = budget("g", BudgetSpec.Scope.GLOBAL, null, "1", BudgetSpec.Action.REJECT);
        BudgetSpec tenant = budget("t", BudgetSpec.Scope.TENANT, "acme", "1", BudgetSpec.Action.REJECT);
        BudgetSpec other = budget("o", BudgetSpec.Scope.PROVIDER, "anthropic", "1", BudgetSpec.Action.REJECT);
        assertThat(reservations(global, tenant, other).reserve(job("j1-" + prefix, "acme"), "acme", KEY, decision("d1", "0.25"))).isEqualTo(Reservation.reserved());
        assertThat(window(global.id())[1]).isEqualByComparingTo("0.25");
        assertThat(window(tenant.id())[1]).isEqualByComparingTo("0.25");
        assertThat(window(other.id())).isNull();
        assertThat(reservationRows("j1-" + prefix)).isEqualTo(2);
    }

    @Test
    void a_redelivered_job_is_not_reserved_twice() throws SQLException {
        BudgetSpec global = budget("g", BudgetSpec.Scope.GLOBAL, null, "1", BudgetSpec.Action.REJECT);
        SqlReservations r = reservations(global);
        String id = "redelivered-" + prefix;
        assertThat(r.reserve(job(id, "acme"), "acme", KEY, decision("d1", "0.40"))).isEqualTo(Reservation.reserved());
        assertThat(r.reserve(job(id, "acme"), "acme", KEY, decision("d1", "0.40"))).isEqualTo(Reservation.reserved());
        assertThat(r.reserve(job(id, "acme"), "acme", KEY, decision("d1", "0.40"))).isEqualTo(Reservation.reserved());
        assertThat(window(global.id())[1]).isEqualByComparingTo("0.40");
        assertThat(reservationRows(id)).isEqualTo(1);
    }

    @Test
    void a_reject_budget_refuses_the_job_that_would_overshoot_it_and_reserves_nothing_anywhere() throws SQLException {
        BudgetSpec loose = budget("a-loose", BudgetSpec.Scope.GLOBAL, null, "100", BudgetSpec.Action.REJECT);
        BudgetSpec tight = budget("b-tight", BudgetSpec.Scope.TENANT, "acme", "1.00", BudgetSpec.Action.REJECT);
        SqlReservations r = reservations(loose, tight);
        assertThat(r.reserve(job("a-" + prefix, "acme"), "acme", KEY, decision("d1", "0.60"))).isEqualTo(Reservation.reserved());
        assertThat(r.reserve(job("b-" + prefix, "acme"), "acme", KEY, decision("d1", "0.40"))).isEqualTo(Reservation.reserved()); // exactly at the limit
        Reservation refusal = r.reserve(job("c-" + prefix, "acme"), "acme", KEY, decision("d1", "0.000001"));
        assertThat(refusal).isInstanceOfSatisfying(Reservation.Rejected.class,
                m -> assertThat(m.reason()).contains("budget '" + tight.id() + "'").contains("limit $1.00"));
        assertThat(window(loose.id())[1]).isEqualByComparingTo("1.00"); // rolled back with the refusal
        assertThat(window(tight.id())[1]).isEqualByComparingTo("1.00");
        assertThat(reservationRows("c-" + prefix)).isZero();
        // Another tenant is not held by acme's budget.
        assertThat(r.reserve(job("d-" + prefix, "other"), "other", KEY, decision("d1", "0.5"))).isEqualTo(Reservation.reserved());
    }

    @Test
    void a_warn_budget_reserves_past_its_limit() throws SQLException {
        BudgetSpec warn = budget("w", BudgetSpec.Scope.MODEL, "gpt-4o-mini", "0.10", BudgetSpec.Action.WARN);
        SqlReservations r = reservations(warn);
        assertThat(r.reserve(job("w1-" + prefix, "acme"), "acme", KEY, decision("d1", "0.08"))).isEqualTo(Reservation.reserved());
        assertThat(r.reserve(job("w2-" + prefix, "acme"), "acme", KEY, decision("d1", "0.08"))).isEqualTo(Reservation.reserved());
        assertThat(window(warn.id())[1]).isEqualByComparingTo("0.16");
    }

    @Test
    void a_zero_cost_job_is_never_blocked_nor_recorded() throws SQLException {
        BudgetSpec spent = budget("z", BudgetSpec.Scope.GLOBAL, null, "0", BudgetSpec.Action.REJECT);
        SqlReservations r = reservations(spent);
        assertThat(r.reserve(job("paid-" + prefix, "acme"), "acme", KEY, decision("d1", "0.01"))).isInstanceOf(Reservation.Rejected.class);
        assertThat(r.reserve(job("free-" + prefix, "acme"), "acme", KEY, decision("d-free", "0"))).isEqualTo(Reservation.reserved());
        assertThat(reservationRows("free-" + prefix)).isZero();
    }

    @Test
    void concurrent_reservations_never_overshoot_a_reject_budget() throws Exception {
        BudgetSpec global = budget("c", BudgetSpec.Scope.GLOBAL, null, "1.00", BudgetSpec.Action.REJECT);
        SqlReservations r = reservations(global);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Reservation>> outcomes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String id = "conc-" + i + "-" + prefix;
                outcomes.add(pool.submit(() -> r.reserve(job(id, "acme"), "acme", KEY, decision("d1", "0.03"))));
            }
            int accepted = 0;
            for (Future<Reservation> f : outcomes) {
                accepted += f.get() instanceof Reservation.Reserved ? 1 : 0;
            }
            assertThat(accepted).isEqualTo(33); // floor(1.00 / 0.03)
            assertThat(window(global.id())[1]).isEqualByComparingTo("0.99");
        } finally {
            pool.shutdownNow();
        }
    }

    private static JobSubmitted job(String id, String tenant, Instant deadline) {
        return new JobSubmitted(1, "ev-" + id, id, NOW, tenant, null, null, 0, "/v1/chat/completions", "gpt-4o-mini",
                null, "bulk", deadline, Map.of("project", "apollo"), null, "key_abc");
    }

    private List<Map<String, Object>> heldRows(String jobId) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select budget_id, window_start, amount, limit_at_deferral, deadline, deferred_at, job::text, record_key, tenant_header
                from budget_deferrals where job_id = ?""")) {
            ps.setString(1, jobId);
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new java.util.HashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    @Test
    void a_defer_budget_holds_the_job_it_cannot_hold_reserves_nothing_and_a_redelivery_holds_it_once() throws SQLException {
        BudgetSpec loose = budget("a-loose", BudgetSpec.Scope.API_KEY, "key_abc", "100", BudgetSpec.Action.REJECT);
        BudgetSpec defer = budget("b-defer", BudgetSpec.Scope.PROJECT, "apollo", "0.50", BudgetSpec.Action.DEFER);
        SqlReservations r = reservations(loose, defer);
        Instant deadline = NOW.plusSeconds(3600);
        assertThat(r.reserve(job("fits-" + prefix, "acme", deadline), "acme", KEY, decision("d1", "0.40"))).isEqualTo(Reservation.reserved());

        String held = "held-" + prefix;
        Reservation outcome = r.reserve(job(held, "acme", deadline), "acme", KEY, decision("d1", "0.20"));
        assertThat(outcome).isInstanceOfSatisfying(Reservation.Deferred.class, d -> {
            assertThat(d.budgetId()).isEqualTo(defer.id());
            assertThat(d.reason()).contains("budget '" + defer.id() + "' (project apollo, daily, limit $0.50)", "held until");
        });
        assertThat(window(defer.id())[1]).isEqualByComparingTo("0.40"); // nothing reserved for the held job, anywhere
        assertThat(window(loose.id())[1]).isEqualByComparingTo("0.40");
        assertThat(reservationRows(held)).isZero();
        assertThat(heldRows(held)).singleElement().satisfies(row -> {
            assertThat(row.get("budget_id")).isEqualTo(defer.id());
            assertThat(((java.sql.Timestamp) row.get("window_start")).toInstant()).isEqualTo(Instant.parse("2026-03-15T00:00:00Z"));
            assertThat((BigDecimal) row.get("amount")).isEqualByComparingTo("0.20");
            assertThat((BigDecimal) row.get("limit_at_deferral")).isEqualByComparingTo("0.50");
            assertThat(((java.sql.Timestamp) row.get("deadline")).toInstant()).isEqualTo(deadline);
            assertThat(((java.sql.Timestamp) row.get("deferred_at")).toInstant()).isEqualTo(NOW);
            assertThat((byte[]) row.get("record_key")).isEqualTo(KEY);
            assertThat(row.get("tenant_header")).isEqualTo("acme");
            assertThat(new dev.railyard.schema.EventCodec().decode(((String) row.get("job")).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    JobSubmitted.class)).isEqualTo(job(held, "acme", deadline));
        });

        // The same record again (a redelivery): still held, still one row, as first written.
        SqlReservations later = new SqlReservations(BASE.withBudgets(List.of(loose, defer)), db, Clock.offset(CLOCK, java.time.Duration.ofMinutes(5)));
        assertThat(later.reserve(job(held, "acme", deadline), "acme", KEY, decision("d1", "0.20"))).isInstanceOf(Reservation.Deferred.class);
        assertThat(heldRows(held)).singleElement().satisfies(row ->
                assertThat(((java.sql.Timestamp) row.get("deferred_at")).toInstant()).isEqualTo(NOW));
        assertThat(window(defer.id())[1]).isEqualByComparingTo("0.40");
    }

    @Test
    void a_reject_budget_that_comes_first_in_id_order_rejects_rather_than_holds() throws SQLException {
        BudgetSpec reject = budget("a-reject", BudgetSpec.Scope.GLOBAL, null, "0.10", BudgetSpec.Action.REJECT);
        BudgetSpec defer = budget("b-defer", BudgetSpec.Scope.GLOBAL, null, "0.10", BudgetSpec.Action.DEFER);
        String id = "rej-" + prefix;
        assertThat(reservations(reject, defer).reserve(job(id, "acme"), "acme", KEY, decision("d1", "0.20")))
                .isInstanceOf(Reservation.Rejected.class);
        assertThat(heldRows(id)).isEmpty();
    }
}
