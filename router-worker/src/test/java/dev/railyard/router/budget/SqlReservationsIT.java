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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedInfrastructure.class)
class SqlReservationsIT {
    private static final Instant NOW = Instant.parse("2026-03-15T10:20:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
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
        assertThat(reservations(global, tenant, other).reserve(job("j1-" + prefix, "acme"), "acme", decision("d1", "0.25"))).isEmpty();
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
        assertThat(r.reserve(job(id, "acme"), "acme", decision("d1", "0.40"))).isEmpty();
        assertThat(r.reserve(job(id, "acme"), "acme", decision("d1", "0.40"))).isEmpty();
        assertThat(r.reserve(job(id, "acme"), "acme", decision("d1", "0.40"))).isEmpty();
        assertThat(window(global.id())[1]).isEqualByComparingTo("0.40");
        assertThat(reservationRows(id)).isEqualTo(1);
    }

    @Test
    void a_reject_budget_refuses_the_job_that_would_overshoot_it_and_reserves_nothing_anywhere() throws SQLException {
        BudgetSpec loose = budget("a-loose", BudgetSpec.Scope.GLOBAL, null, "100", BudgetSpec.Action.REJECT);
        BudgetSpec tight = budget("b-tight", BudgetSpec.Scope.TENANT, "acme", "1.00", BudgetSpec.Action.REJECT);
        SqlReservations r = reservations(loose, tight);
        assertThat(r.reserve(job("a-" + prefix, "acme"), "acme", decision("d1", "0.60"))).isEmpty();
        assertThat(r.reserve(job("b-" + prefix, "acme"), "acme", decision("d1", "0.40"))).isEmpty(); // exactly at the limit
        Optional<String> refusal = r.reserve(job("c-" + prefix, "acme"), "acme", decision("d1", "0.000001"));
        assertThat(refusal).hasValueSatisfying(m -> assertThat(m).contains("budget '" + tight.id() + "'").contains("limit $1.00"));
        assertThat(window(loose.id())[1]).isEqualByComparingTo("1.00"); // rolled back with the refusal
        assertThat(window(tight.id())[1]).isEqualByComparingTo("1.00");
        assertThat(reservationRows("c-" + prefix)).isZero();
        // Another tenant is not held by acme's budget.
        assertThat(r.reserve(job("d-" + prefix, "other"), "other", decision("d1", "0.5"))).isEmpty();
    }

    @Test
    void a_warn_budget_reserves_past_its_limit() throws SQLException {
        BudgetSpec warn = budget("w", BudgetSpec.Scope.MODEL, "gpt-4o-mini", "0.10", BudgetSpec.Action.WARN);
        SqlReservations r = reservations(warn);
        assertThat(r.reserve(job("w1-" + prefix, "acme"), "acme", decision("d1", "0.08"))).isEmpty();
        assertThat(r.reserve(job("w2-" + prefix, "acme"), "acme", decision("d1", "0.08"))).isEmpty();
        assertThat(window(warn.id())[1]).isEqualByComparingTo("0.16");
    }

    @Test
    void a_zero_cost_job_is_never_blocked_nor_recorded() throws SQLException {
        BudgetSpec spent = budget("z", BudgetSpec.Scope.GLOBAL, null, "0", BudgetSpec.Action.REJECT);
        SqlReservations r = reservations(spent);
        assertThat(r.reserve(job("paid-" + prefix, "acme"), "acme", decision("d1", "0.01"))).isPresent();
        assertThat(r.reserve(job("free-" + prefix, "acme"), "acme", decision("d-free", "0"))).isEmpty();
        assertThat(reservationRows("free-" + prefix)).isZero();
    }

    @Test
    void concurrent_reservations_never_overshoot_a_reject_budget() throws Exception {
        BudgetSpec global = budget("c", BudgetSpec.Scope.GLOBAL, null, "1.00", BudgetSpec.Action.REJECT);
        SqlReservations r = reservations(global);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Optional<String>>> outcomes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String id = "conc-" + i + "-" + prefix;
                outcomes.add(pool.submit(() -> r.reserve(job(id, "acme"), "acme", decision("d1", "0.03"))));
            }
            int accepted = 0;
            for (Future<Optional<String>> f : outcomes) {
                accepted += f.get().isEmpty() ? 1 : 0;
            }
            assertThat(accepted).isEqualTo(33); // floor(1.00 / 0.03)
            assertThat(window(global.id())[1]).isEqualByComparingTo("0.99");
        } finally {
            pool.shutdownNow();
        }
    }
}
