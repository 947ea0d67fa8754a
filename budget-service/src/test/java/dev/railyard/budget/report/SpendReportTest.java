package dev.railyard.budget.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpendReportTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "color", "MODEL", "model; drop table jobs", "batch_id", "model,", "model,,tenant", "model,color"})
    void refuses_unknown_groupings_naming_the_allowed_ones(String groupBy) {
        assertThatThrownBy(() -> SpendQuery.parse(groupBy, null, null, null, null))
                .isInstanceOfSatisfying(SpendQuery.Invalid.class, e -> assertThat(e.param()).isEqualTo("group_by"))
                .hasMessage("group_by must be one or more of tenant, key, model, provider, deployment, batch, tag, project,"
                        + " comma-separated; got '" + groupBy + "'");
    }

    @Test
    void refuses_a_dimension_named_twice() {
        assertThatThrownBy(() -> SpendQuery.parse("model, tag,model", null, null, null, null))
                .isInstanceOfSatisfying(SpendQuery.Invalid.class, e -> assertThat(e.param()).isEqualTo("group_by"))
                .hasMessage("group_by names 'model' twice");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "day2||| bucket",
            "|yesterday|| from",
            "||2026-13-01| to",
            "|2026-03-15T00:00:00Z|2026-03-15T00:00:00Z| to",
            "|2026-03-16|2026-03-15| to"})
    void refuses_bad_buckets_and_ranges_naming_the_parameter(String bucket, String from, String to, String param) {
        assertThatThrownBy(() -> SpendQuery.parse("model", bucket, from, to, null))
                .isInstanceOfSatisfying(SpendQuery.Invalid.class, e -> assertThat(e.param()).isEqualTo(param.trim()))
                .hasMessageStartingWith(param.trim() + " ");
    }

    @Test
    void reads_several_dimensions_in_order_a_bucket_and_a_range() {
        SpendQuery q = SpendQuery.parse("tag, model,tenant", "week", "2026-03-01", "2026-03-15T12:00:00+02:00", "acme");
        assertThat(q.groupBy()).containsExactly(SpendDimension.TAG, SpendDimension.MODEL, SpendDimension.TENANT);
        assertThat(q.bucket()).isEqualTo(SpendBucket.WEEK);
        assertThat(q.from()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(q.to()).isEqualTo(Instant.parse("2026-03-15T10:00:00Z"));
        assertThat(q.tenant()).isEqualTo("acme");
    }

    @Test
    void groups_by_model_over_all_time_when_nothing_is_asked() {
        assertThat(SpendQuery.parse(null, null, null, null, null)).isEqualTo(SpendQuery.of(SpendDimension.MODEL));
    }

    @Test
    void json_body_names_each_dimension_and_carries_costs_as_exact_strings() {
        SpendQuery q = SpendQuery.of(SpendDimension.MODEL, SpendDimension.BATCH).forTenant("acme");
        JsonObject body = SpendRoutes.body(q, new SpendReport.Table(List.of(
                new SpendRow(null, List.of("gpt-4o", "batch_1"), 2, 100, 50, new BigDecimal("0.000750000000"), 0),
                new SpendRow(null, java.util.Arrays.asList("gpt-4o-mini", null), 3, 10, 5, new BigDecimal("0.000123000001"), 1)),
                new BigDecimal("0.000873000001")));

        assertThat(body.getString("object")).isEqualTo("list");
        assertThat(body.getJsonArray("group_by").getList()).containsExactly("model", "batch");
        assertThat(body.getString("tenant")).isEqualTo("acme");
        assertThat(body.getJsonArray("data").getJsonObject(1).encode()).isEqualTo(
                "{\"model\":\"gpt-4o-mini\",\"batch\":null,\"entries\":3,\"prompt_tokens\":10,\"completion_tokens\":5,"
                        + "\"cost\":\"0.000123000001\",\"estimated_entries\":1}");
        assertThat(body.getString("total_cost")).isEqualTo("0.000873000001");
    }

    @Test
    void bucketed_rows_start_with_their_bucket_and_the_range_is_echoed() {
        SpendQuery q = SpendQuery.parse("provider", "hour", "2026-03-15T00:00:00Z", "2026-03-16T00:00:00Z", null);
        JsonObject body = SpendRoutes.body(q, new SpendReport.Table(List.of(
                new SpendRow(Instant.parse("2026-03-15T10:00:00Z"), List.of("openai"), 1, 1, 1, new BigDecimal("0.000000000001"), 0)),
                new BigDecimal("0.000000000001")));
        assertThat(body.encode()).isEqualTo("{\"object\":\"list\",\"group_by\":[\"provider\"],\"bucket\":\"hour\","
                + "\"from\":\"2026-03-15T00:00:00Z\",\"to\":\"2026-03-16T00:00:00Z\",\"data\":[{\"bucket_start\":\"2026-03-15T10:00:00Z\","
                + "\"provider\":\"openai\",\"entries\":1,\"prompt_tokens\":1,\"completion_tokens\":1,\"cost\":\"0.000000000001\","
                + "\"estimated_entries\":0}],\"total_cost\":\"0.000000000001\"}");
    }

    @Test
    void empty_report_totals_zero_at_ledger_precision() {
        assertThat(SpendRoutes.body(SpendQuery.of(SpendDimension.BATCH),
                new SpendReport.Table(List.of(), new BigDecimal("0.000000000000"))).encode())
                .isEqualTo("{\"object\":\"list\",\"group_by\":[\"batch\"],\"bucket\":null,\"data\":[],\"total_cost\":\"0.000000000000\"}");
    }
}
