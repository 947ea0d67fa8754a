package dev.railyard.budget.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.infra.testing.SharedInfrastructure;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /v1/spend} over a small planted ledger of one tenant: groupings of several dimensions, tags
 * (a job with two tags counts under both), project, time buckets and the exclusive end of a range.
 */
@ExtendWith(SharedInfrastructure.class)
class SpendQueryIT {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Unique per run: the database is shared by every test class. */
    static final String T = "spendq-" + UUID.randomUUID().toString().substring(0, 8);
    static DataSource db;
    static SpendReport report;

    @BeforeAll
    static void plant(SharedInfrastructure.Servers servers) throws SQLException {
        db = servers.dataSource();
        report = new SpendReport(db);
        job("A", "{\"tags\":\"alpha, beta\",\"project\":\"p1\"}", "key_1");
        job("B", "{\"tags\":\"beta,beta\",\"project\":\"p2\"}", "key_2");
        job("C", null, null);
        // 2026-03-15 is a Sunday, 2026-03-16 a Monday.
        entry("a1", "A", "batch-A", "gpt-4o-mini", "openai", "2026-03-15T10:05:00Z", 100, 10, "0.000100000001", false);
        entry("a2", "A", "batch-A", "gpt-4o-mini", "openai", "2026-03-15T11:30:00Z", 200, 20, "0.000200000000", true);
        entry("b1", "B", null, "gpt-4o", "azure", "2026-03-16T00:00:00Z", 1000, 100, "0.003500000000", false);
        entry("c1", "C", null, "gpt-4o", "openai", "2026-02-28T23:59:59Z", 10, 1, "0.000035000000", false);
        entry("d1", "D", null, "gpt-4o-mini", "openai", "2026-03-15T10:59:59.999Z", 1, 1, "0.000000750000", false); // no job row
    }

    static void job(String id, String metadata, String apiKeyId) throws SQLException {
        sql("insert into jobs (id, tenant, endpoint, model, state, metadata, api_key_id)"
                        + " values (?, ?, '/v1/chat/completions', 'm', 'succeeded', ?::jsonb, ?)",
                T + id, T, metadata, apiKeyId);
    }

    static void entry(String attempt, String job, String batch, String model, String provider, String at, long prompt,
                      long completion, String cost, boolean estimated) throws SQLException {
        sql("insert into spend_ledger (attempt_id, job_id, tenant, batch_id, model, provider, deployment_id, prompt_tokens,"
                        + " completion_tokens, cached_prompt_tokens, cost, estimated, occurred_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)",
                T + attempt, T + job, T, batch == null ? null : T + batch, model, provider, provider + "-" + model, prompt, completion,
                new BigDecimal(cost), estimated, OffsetDateTime.ofInstant(Instant.parse(at), ZoneOffset.UTC));
    }

    static void sql(String statement, Object... args) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                if (args[i] instanceof OffsetDateTime t) {
                    ps.setObject(i + 1, t, Types.TIMESTAMP_WITH_TIMEZONE);
                } else {
                    ps.setObject(i + 1, args[i]);
                }
            }
            ps.executeUpdate();
        }
    }

    static SpendReport.Table query(String groupBy, String bucket, String from, String to) {
        return report.query(SpendQuery.parse(groupBy, bucket, from, to, T));
    }

    static final BigDecimal TOTAL = new BigDecimal("0.003835750001");

    @Test
    void a_job_with_two_tags_counts_under_both_and_the_total_counts_it_once() {
        SpendReport.Table t = query("tag", null, null, null);
        assertThat(t.rows()).extracting(SpendRow::key, SpendRow::entries, SpendRow::cost, SpendRow::estimatedEntries).containsExactly(
                tuple("beta", 3L, new BigDecimal("0.003800000001"), 1L),
                tuple("alpha", 2L, new BigDecimal("0.000300000001"), 1L),
                tuple(null, 2L, new BigDecimal("0.000035750000"), 0L));
        assertThat(t.totalCost()).isEqualTo(TOTAL);
    }

    @Test
    void groups_by_two_ledger_dimensions() {
        SpendReport.Table t = query("model,provider", null, null, null);
        assertThat(t.rows()).extracting(SpendRow::groups, SpendRow::entries, SpendRow::promptTokens, SpendRow::completionTokens, SpendRow::cost)
                .containsExactly(
                        tuple(java.util.List.of("gpt-4o", "azure"), 1L, 1000L, 100L, new BigDecimal("0.003500000000")),
                        tuple(java.util.List.of("gpt-4o-mini", "openai"), 3L, 301L, 31L, new BigDecimal("0.000300750001")),
                        tuple(java.util.List.of("gpt-4o", "openai"), 1L, 10L, 1L, new BigDecimal("0.000035000000")));
        assertThat(t.totalCost()).isEqualTo(TOTAL);
    }

    @Test
    void groups_by_project_and_tag_from_the_jobs_metadata() {
        assertThat(query("project,tag", null, null, null).rows()).extracting(SpendRow::groups, SpendRow::cost).containsExactly(
                tuple(java.util.List.of("p2", "beta"), new BigDecimal("0.003500000000")),
                tuple(java.util.List.of("p1", "alpha"), new BigDecimal("0.000300000001")),
                tuple(java.util.List.of("p1", "beta"), new BigDecimal("0.000300000001")),
                tuple(java.util.Arrays.asList(null, null), new BigDecimal("0.000035750000")));
        assertThat(query("batch,tenant", null, null, null).rows()).extracting(SpendRow::groups, SpendRow::entries).containsExactly(
                tuple(java.util.Arrays.asList(null, T), 3L),
                tuple(java.util.List.of(T + "batch-A", T), 2L));
    }

    @Test
    void groups_by_the_api_key_of_the_job() {
        assertThat(query("key", null, null, null).rows()).extracting(SpendRow::key, SpendRow::entries, SpendRow::cost).containsExactly(
                tuple("key_2", 1L, new BigDecimal("0.003500000000")),
                tuple("key_1", 2L, new BigDecimal("0.000300000001")),
                tuple(null, 2L, new BigDecimal("0.000035750000")));
    }

    @Test
    void hourly_buckets_within_a_range_whose_end_is_exclusive() {
        SpendReport.Table t = query("model", "hour", "2026-03-15", "2026-03-16T00:00:00Z");
        assertThat(t.rows()).extracting(SpendRow::bucketStart, SpendRow::key, SpendRow::entries, SpendRow::cost).containsExactly(
                tuple(Instant.parse("2026-03-15T10:00:00Z"), "gpt-4o-mini", 2L, new BigDecimal("0.000100750001")),
                tuple(Instant.parse("2026-03-15T11:00:00Z"), "gpt-4o-mini", 1L, new BigDecimal("0.000200000000")));
        assertThat(t.totalCost()).isEqualTo(new BigDecimal("0.000300750001"));

        SpendReport.Table after = query("model", "day", "2026-03-16T00:00:00Z", null);
        assertThat(after.rows()).extracting(SpendRow::bucketStart, SpendRow::key, SpendRow::cost).containsExactly(
                tuple(Instant.parse("2026-03-16T00:00:00Z"), "gpt-4o", new BigDecimal("0.003500000000")));
        assertThat(after.totalCost()).isEqualTo(new BigDecimal("0.003500000000"));
    }

    @Test
    void weeks_start_on_monday_and_months_on_the_first_in_utc() {
        assertThat(query("tenant", "week", null, null).rows()).extracting(SpendRow::bucketStart, SpendRow::cost).containsExactly(
                tuple(Instant.parse("2026-02-23T00:00:00Z"), new BigDecimal("0.000035000000")),
                tuple(Instant.parse("2026-03-09T00:00:00Z"), new BigDecimal("0.000300750001")),
                tuple(Instant.parse("2026-03-16T00:00:00Z"), new BigDecimal("0.003500000000")));
        assertThat(query("provider", "month", null, null).rows()).extracting(SpendRow::bucketStart, SpendRow::key, SpendRow::cost).containsExactly(
                tuple(Instant.parse("2026-02-01T00:00:00Z"), "openai", new BigDecimal("0.000035000000")),
                tuple(Instant.parse("2026-03-01T00:00:00Z"), "azure", new BigDecimal("0.003500000000")),
                tuple(Instant.parse("2026-03-01T00:00:00Z"), "openai", new BigDecimal("0.000300750001")));
    }

    @Test
    void tags_given_as_a_json_array_count_too() throws SQLException {
        String tenant = T + "-array";
        sql("insert into jobs (id, tenant, endpoint, model, state, metadata) values (?, ?, '/v1/chat/completions', 'm', 'succeeded', ?::jsonb)",
                tenant + "E", tenant, "{\"tags\":[\"gamma\",\" delta \",\"\"]}");
        sql("insert into spend_ledger (attempt_id, job_id, tenant, model, provider, deployment_id, prompt_tokens, completion_tokens,"
                        + " cached_prompt_tokens, cost, occurred_at) values (?, ?, ?, 'gpt-4o', 'openai', 'openai-gpt-4o', 1, 1, 0, 0.5, now())",
                tenant + "e1", tenant + "E", tenant);
        assertThat(report.query(SpendQuery.of(SpendDimension.TAG).forTenant(tenant)).rows()).extracting(SpendRow::key)
                .containsExactly("delta", "gamma");
    }

    @Test
    void http_answers_named_dimensions_per_bucket() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            String base = serve(vertx);
            HttpResponse<String> ok = get(base + "?group_by=tag,model&bucket=day&from=2026-03-15&to=2026-03-17&tenant=" + T);
            assertThat(ok.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(ok.body());
            assertThat(body.path("group_by").toString()).isEqualTo("[\"tag\",\"model\"]");
            assertThat(body.path("bucket").asText()).isEqualTo("day");
            assertThat(body.path("from").asText()).isEqualTo("2026-03-15T00:00:00Z");
            assertThat(body.path("data")).hasSize(4);
            assertThat(body.path("data").get(0).toString()).isEqualTo("{\"bucket_start\":\"2026-03-15T00:00:00Z\",\"tag\":\"alpha\","
                    + "\"model\":\"gpt-4o-mini\",\"entries\":2,\"prompt_tokens\":300,\"completion_tokens\":30,"
                    + "\"cost\":\"0.000300000001\",\"estimated_entries\":1}");
            assertThat(body.path("data").get(1).path("tag").asText()).isEqualTo("beta");
            assertThat(body.path("data").get(2).path("tag").isNull()).isTrue();
            assertThat(body.path("data").get(3).path("bucket_start").asText()).isEqualTo("2026-03-16T00:00:00Z");
            assertThat(body.path("total_cost").asText()).isEqualTo("0.003800750001");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "group_by=color| group_by",
            "group_by=model,model| group_by",
            "bucket=fortnight| bucket",
            "from=yesterday| from",
            "to=2026-03-32| to",
            "from=2026-03-02&to=2026-03-01| to"})
    void http_bad_parameters_are_400_naming_the_parameter(String query, String param) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            HttpResponse<String> bad = get(serve(vertx) + "?" + query);
            assertThat(bad.statusCode()).isEqualTo(400);
            JsonNode error = JSON.readTree(bad.body()).path("error");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("code").asText()).isEqualTo("invalid_value");
            assertThat(error.path("param").asText()).isEqualTo(param.trim());
            assertThat(error.path("message").asText()).startsWith(param.trim() + " ");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    private static String serve(Vertx vertx) throws Exception {
        Router router = Router.router(vertx);
        new SpendRoutes(report, vertx).install(router);
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture().get();
        return "http://127.0.0.1:" + server.actualPort() + "/v1/spend";
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
