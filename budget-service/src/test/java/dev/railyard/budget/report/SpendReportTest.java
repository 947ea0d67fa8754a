package dev.railyard.budget.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpendReportTest {
    // Never reached: group_by is checked before any query.
    final SpendReport report = new SpendReport(null);

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "color", "MODEL", "model; drop table jobs", "batch_id"})
    void refuses_unknown_groupings_naming_the_allowed_ones(String groupBy) {
        assertThatThrownBy(() -> report.byGroup(groupBy, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("group_by must be one of model, tenant, batch, provider, deployment, got ");
    }

    @Test
    void json_body_carries_costs_as_exact_strings_and_their_total() {
        JsonObject body = SpendRoutes.body("model", "acme", List.of(
                new SpendRow("gpt-4o", 2, 100, 50, new BigDecimal("0.000750000000")),
                new SpendRow("gpt-4o-mini", 3, 10, 5, new BigDecimal("0.000123000001"))));

        assertThat(body.getString("object")).isEqualTo("list");
        assertThat(body.getString("group_by")).isEqualTo("model");
        assertThat(body.getString("tenant")).isEqualTo("acme");
        assertThat(body.getJsonArray("data").getJsonObject(1).encode()).isEqualTo(
                "{\"key\":\"gpt-4o-mini\",\"entries\":3,\"prompt_tokens\":10,\"completion_tokens\":5,\"cost\":\"0.000123000001\"}");
        assertThat(body.getString("total_cost")).isEqualTo("0.000873000001");
    }

    @Test
    void empty_report_totals_zero_at_ledger_precision() {
        assertThat(SpendRoutes.body("batch", null, List.of()).encode())
                .isEqualTo("{\"object\":\"list\",\"group_by\":\"batch\",\"data\":[],\"total_cost\":\"0.000000000000\"}");
    }
}
