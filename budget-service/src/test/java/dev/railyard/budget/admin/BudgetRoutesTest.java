package dev.railyard.budget.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.budget.catalog.Budget;
import dev.railyard.budget.report.BudgetStatus;
import dev.railyard.config.BudgetPeriod;
import dev.railyard.config.BudgetSpec;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BudgetRoutesTest {

    @Test
    void each_budget_shows_its_window_with_exact_amounts_its_source_and_alerts() {
        BudgetSpec spec = new BudgetSpec("team", BudgetSpec.Scope.TENANT, "acme", BudgetPeriod.DAILY, new BigDecimal("1.00"),
                BudgetSpec.Action.REJECT, List.of(50, 80, 100), "https://hooks.example/budget");
        JsonObject body = BudgetRoutes.list(List.of(new BudgetStatus(new Budget(spec, Budget.Source.API), Instant.parse("2026-03-15T00:00:00Z"),
                Instant.parse("2026-03-16T00:00:00Z"), new BigDecimal("0.300000000001"), new BigDecimal("0.25"), List.of(50))));
        assertThat(body.getString("object")).isEqualTo("list");
        JsonObject b = body.getJsonArray("data").getJsonObject(0);
        assertThat(b.getString("id")).isEqualTo("team");
        assertThat(b.getString("source")).isEqualTo("api");
        assertThat(b.getString("scope")).isEqualTo("tenant");
        assertThat(b.getString("scope_value")).isEqualTo("acme");
        assertThat(b.getString("period")).isEqualTo("daily");
        assertThat(b.getString("action")).isEqualTo("reject");
        assertThat(b.getString("limit")).isEqualTo("1.00");
        assertThat(b.getString("spent")).isEqualTo("0.300000000001");
        assertThat(b.getString("reserved")).isEqualTo("0.25");
        assertThat(b.getString("remaining")).isEqualTo("0.449999999999");
        assertThat(b.getString("window_start")).isEqualTo("2026-03-15T00:00:00Z");
        assertThat(b.getString("resets_at")).isEqualTo("2026-03-16T00:00:00Z");
        assertThat(b.getJsonArray("alert_at").getList()).containsExactly(50, 80, 100);
        assertThat(b.getString("alert_webhook")).isEqualTo("https://hooks.example/budget");
        assertThat(b.getJsonArray("alerts_fired").getList()).containsExactly(50);
    }

    @Test
    void an_overrun_warn_budget_has_nothing_remaining_and_a_total_budget_never_resets() {
        BudgetSpec spec = new BudgetSpec("all", BudgetSpec.Scope.GLOBAL, null, BudgetPeriod.TOTAL, new BigDecimal("1"), BudgetSpec.Action.WARN);
        JsonObject b = BudgetRoutes.list(List.of(new BudgetStatus(new Budget(spec, Budget.Source.CONFIG), Instant.EPOCH, null,
                        new BigDecimal("1.5"), BigDecimal.ZERO, List.of())))
                .getJsonArray("data").getJsonObject(0);
        assertThat(b.getString("remaining")).isEqualTo("0");
        assertThat(b.getString("source")).isEqualTo("config");
        assertThat(b.containsKey("resets_at")).isTrue();
        assertThat(b.getValue("resets_at")).isNull();
        assertThat(b.getValue("scope_value")).isNull();
        assertThat(b.getValue("alert_webhook")).isNull();
        assertThat(b.getJsonArray("alerts_fired").getList()).isEmpty();
    }

    @Test
    void a_refusal_names_its_field() {
        JsonObject e = BudgetRoutes.error(BudgetRequestException.invalid("limit_usd", "limit_usd: must not be negative")).getJsonObject("error");
        assertThat(e.getString("type")).isEqualTo("invalid_request_error");
        assertThat(e.getString("code")).isEqualTo("invalid_value");
        assertThat(e.getString("param")).isEqualTo("limit_usd");
        assertThat(e.getString("message")).isEqualTo("limit_usd: must not be negative");
    }

    @Test
    void a_caller_limited_to_a_tenant_sees_only_that_tenants_budgets() {
        BudgetStatus acme = status(new BudgetSpec("acme", BudgetSpec.Scope.TENANT, "acme", BudgetPeriod.DAILY, BigDecimal.ONE, BudgetSpec.Action.WARN));
        BudgetStatus other = status(new BudgetSpec("other", BudgetSpec.Scope.TENANT, "other", BudgetPeriod.DAILY, BigDecimal.ONE, BudgetSpec.Action.WARN));
        BudgetStatus global = status(new BudgetSpec("all", BudgetSpec.Scope.GLOBAL, null, BudgetPeriod.DAILY, BigDecimal.ONE, BudgetSpec.Action.WARN));
        BudgetStatus key = status(new BudgetSpec("key", BudgetSpec.Scope.API_KEY, "acme", BudgetPeriod.DAILY, BigDecimal.ONE, BudgetSpec.Action.WARN));

        assertThat(List.of(acme, other, global, key)).filteredOn(s -> BudgetRoutes.visible(s, "acme")).containsExactly(acme);
        assertThat(List.of(acme, other, global, key)).filteredOn(s -> BudgetRoutes.visible(s, null)).hasSize(4);
    }

    private static BudgetStatus status(BudgetSpec spec) {
        return new BudgetStatus(new Budget(spec, Budget.Source.CONFIG), Instant.EPOCH, null, BigDecimal.ZERO, BigDecimal.ZERO, List.of());
    }
}
