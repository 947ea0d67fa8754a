package dev.railyard.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.budget.ledger.LedgerWriter;
import dev.railyard.budget.report.Reconciliation;
import dev.railyard.budget.report.SpendDimension;
import dev.railyard.budget.report.SpendQuery;
import dev.railyard.budget.report.SpendReport;
import dev.railyard.budget.report.SpendRoutes;
import dev.railyard.budget.report.SpendRow;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.DeadLetters;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Headers;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.Outcome;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedInfrastructure.class)
class BudgetServiceIT {
    static final EventCodec codec = new EventCodec();
    static final RailyardConfig config = new ConfigLoader(Map.of()).loadDefault();
    static KafkaClients clients;
    static DataSource db;
    static BudgetService service;
    static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) {
        clients = new KafkaClients(servers.bootstrapServers());
        db = servers.dataSource();
        new TopicSetup(clients, 4, (short) 1).ensure(config.providers().keySet());
        service = new BudgetService(config, clients, db);
        service.start();
        producer = clients.producer("budget-it");
    }

    @AfterAll
    static void stop() {
        producer.close();
        service.close();
    }

    static String id(String what) {
        return "job-budget-it-" + what + "-" + UUID.randomUUID();
    }

    /** All of a test's records go to one partition, so a later record being written proves the earlier ones were handled. */
    static void produce(int partition, String key, byte[] value) throws Exception {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(Topics.JOBS_RESULTS, partition, key.getBytes(StandardCharsets.UTF_8), value);
        r.headers().add(Headers.TENANT, "budget-it".getBytes(StandardCharsets.UTF_8));
        producer.send(r).get();
    }

    static void produce(int partition, JobResult result) throws Exception {
        produce(partition, result.jobId(), codec.encode(result));
    }

    static Attempt mini(String job, int hop, int tryNumber, long prompt, long completion) {
        String cost = config.model("gpt-4o-mini").orElseThrow().cost(new dev.railyard.schema.event.Usage(prompt, completion, 0)).toPlainString();
        return Results.billed(job, hop, tryNumber, "openai-gpt-4o-mini", "openai", "gpt-4o-mini", prompt, completion, cost);
    }

    static <T> T query(String sql, Object param, SqlFunction<ResultSet, T> read) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                return read.apply(rs);
            }
        }
    }

    interface SqlFunction<A, B> {
        B apply(A a) throws SQLException;
    }

    static long count(String sql, Object param) throws SQLException {
        return query(sql, param, rs -> rs.next() ? rs.getLong(1) : 0);
    }

    static BigDecimal decimal(String sql, Object param) throws SQLException {
        return query(sql, param, rs -> rs.next() ? rs.getBigDecimal(1) : null);
    }

    static void await(String what, Callable<Boolean> condition) throws Exception {
        Instant deadline = Instant.now().plusSeconds(15);
        while (!condition.call()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within 15 s: " + what);
            }
            Thread.sleep(50); // a test thread polling the database, not an event loop
        }
    }

    static void awaitJob(String jobId) throws Exception {
        await("job " + jobId + " written", () -> count("select count(*) from jobs where id = ? and state <> 'queued'", jobId) == 1);
    }

    static ConsumerRecord<byte[], byte[]> awaitDeadLetter(String key) {
        try (KafkaConsumer<byte[], byte[]> consumer = clients.consumer("probe-" + UUID.randomUUID(), 500)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(Topics.JOBS_DEAD_LETTER).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant deadline = Instant.now().plusSeconds(15);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && Arrays.equals(r.key(), key.getBytes(StandardCharsets.UTF_8))) {
                        return r;
                    }
                }
            }
            throw new AssertionError("no dead letter keyed " + key);
        }
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void writes_terminal_state_attempts_and_one_ledger_row_per_billed_attempt() throws Exception {
        String job = id("state");
        JobResult result = Results.succeeded(job, "tenant-" + job, "batch-" + job, "gpt-4o-mini", List.of(
                Results.rateLimited(job, 1, 1, "openai-gpt-4o-mini", "openai", "gpt-4o-mini"),
                mini(job, 1, 2, 1000, 200)), "hello");
        produce(0, result);
        awaitJob(job);

        query("select tenant, batch_id, custom_id, endpoint, model, state, deployment_id, response->>'content', error,"
                + " prompt_tokens, completion_tokens, cost, attempt_count, latency_ms, result_event_id, finished_at from jobs where id = ?", job, rs -> {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("tenant")).isEqualTo("tenant-" + job);
            assertThat(rs.getString("batch_id")).isEqualTo("batch-" + job);
            assertThat(rs.getString("custom_id")).isEqualTo("custom-" + job);
            assertThat(rs.getString("endpoint")).isEqualTo("/v1/chat/completions");
            assertThat(rs.getString("model")).isEqualTo("gpt-4o-mini");
            assertThat(rs.getString("state")).isEqualTo("succeeded");
            assertThat(rs.getString("deployment_id")).isEqualTo("openai-gpt-4o-mini");
            assertThat(rs.getString(8)).isEqualTo("hello");
            assertThat(rs.getString("error")).isNull();
            assertThat(rs.getLong("prompt_tokens")).isEqualTo(1000);
            assertThat(rs.getLong("completion_tokens")).isEqualTo(200);
            assertThat(rs.getBigDecimal("cost")).isEqualTo(new BigDecimal("0.000270000000"));
            assertThat(rs.getInt("attempt_count")).isEqualTo(2);
            assertThat(rs.getLong("latency_ms")).isEqualTo(900);
            assertThat(rs.getString("result_event_id")).isEqualTo(result.eventId());
            assertThat(rs.getObject("finished_at", OffsetDateTime.class).toInstant()).isEqualTo(result.occurredAt());
            return null;
        });
        query("select id, billed, http_status, error->>'type', cost from attempts where job_id = ? order by id", job, rs -> {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(job + ":1:1");
            assertThat(rs.getBoolean(2)).isFalse();
            assertThat(rs.getInt(3)).isEqualTo(429);
            assertThat(rs.getString(4)).isEqualTo("rate_limited");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(job + ":1:2");
            assertThat(rs.getBoolean(2)).isTrue();
            assertThat(rs.getBigDecimal(5)).isEqualTo(new BigDecimal("0.000270000000"));
            assertThat(rs.next()).isFalse();
            return null;
        });
        query("select attempt_id, tenant, batch_id, model, provider, deployment_id, prompt_tokens, completion_tokens,"
                + " cost, estimated, occurred_at from spend_ledger where job_id = ?", job, rs -> {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("attempt_id")).isEqualTo(job + ":1:2");
            assertThat(rs.getString("tenant")).isEqualTo("tenant-" + job);
            assertThat(rs.getString("batch_id")).isEqualTo("batch-" + job);
            assertThat(rs.getString("model")).isEqualTo("gpt-4o-mini");
            assertThat(rs.getString("provider")).isEqualTo("openai");
            assertThat(rs.getString("deployment_id")).isEqualTo("openai-gpt-4o-mini");
            assertThat(rs.getLong("prompt_tokens")).isEqualTo(1000);
            assertThat(rs.getLong("completion_tokens")).isEqualTo(200);
            assertThat(rs.getBigDecimal("cost")).isEqualTo(new BigDecimal("0.000270000000"));
            assertThat(rs.getBoolean("estimated")).isFalse();
            assertThat(rs.getObject("occurred_at", OffsetDateTime.class).toInstant()).isEqualTo(Results.T0.plusSeconds(12));
            assertThat(rs.next()).isFalse();
            return null;
        });
    }

    @Test
    void completes_a_queued_job_row_keeping_what_the_api_wrote() throws Exception {
        String job = id("queued");
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into jobs (id, tenant, endpoint, model, request, state) values (?, 'api-tenant', '/v1/chat/completions', 'gpt-4o-mini', '{\"model\":\"gpt-4o-mini\"}', 'queued')")) {
            ps.setString(1, job);
            ps.executeUpdate();
        }
        produce(1, Results.failed(job, "api-tenant", "gpt-4o-mini", List.of(), ErrorType.MODEL_NOT_FOUND));
        awaitJob(job);

        query("select state, tenant, request->>'model', error->>'type', attempt_count from jobs where id = ?", job, rs -> {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("failed");
            assertThat(rs.getString(2)).isEqualTo("api-tenant");
            assertThat(rs.getString(3)).isEqualTo("gpt-4o-mini");
            assertThat(rs.getString(4)).isEqualTo("model_not_found");
            assertThat(rs.getInt(5)).isZero();
            return null;
        });
    }

    @Test
    void redelivered_and_conflicting_results_change_nothing_after_the_first() throws Exception {
        String job = id("dup");
        JobResult first = Results.succeeded(job, "dup-tenant", null, "gpt-4o-mini", List.of(mini(job, 1, 1, 500, 100)), "first");
        // The same call again (same deterministic attempt id), recorded differently: must not bill twice or win.
        Attempt repeat = Results.billed(job, 1, 1, "openai-gpt-4o-mini", "openai", "gpt-4o-mini", 999, 999, "0.9");
        JobResult second = Results.failed(job, "dup-tenant", "gpt-4o-mini", List.of(repeat), ErrorType.SERVER_ERROR);
        // A repeated call after a crash with another history: recorded as an attempt, never billed.
        Attempt rerun = Results.billed(job, 1, 2, "openai-gpt-4o-mini", "openai", "gpt-4o-mini", 7, 7, "0.7");
        JobResult third = Results.succeeded(job, "dup-tenant", null, "gpt-4o-mini", List.of(rerun), "third");
        String sentinel = id("dup-sentinel");
        produce(2, first);
        awaitJob(job); // so the repeats arrive in later batches, against the stored row
        produce(2, first);
        produce(2, second);
        produce(2, third);
        produce(2, Results.failed(sentinel, "dup-tenant", "gpt-4o-mini", List.of(), ErrorType.INTERNAL));
        awaitJob(sentinel);

        assertThat(count("select count(*) from spend_ledger where job_id = ?", job)).isEqualTo(1);
        assertThat(count("select count(*) from attempts where job_id = ?", job)).isEqualTo(2);
        assertThat(decimal("select cost from spend_ledger where job_id = ?", job))
                .isEqualTo(first.cost());
        query("select state, result_event_id, response->>'content' from jobs where id = ?", job, rs -> {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("succeeded");
            assertThat(rs.getString(2)).isEqualTo(first.eventId());
            assertThat(rs.getString(3)).isEqualTo("first");
            return null;
        });
    }

    @Test
    void within_one_batch_the_first_result_of_a_job_wins() throws Exception {
        String job = id("same-batch");
        JobResult first = Results.succeeded(job, "sb-tenant", null, "gpt-4o-mini", List.of(mini(job, 1, 1, 50, 5)), "first");
        JobResult second = Results.failed(job, "sb-tenant", "gpt-4o-mini",
                List.of(Results.billed(job, 1, 1, "openai-gpt-4o-mini", "openai", "gpt-4o-mini", 1, 1, "0.5")), ErrorType.TIMEOUT);
        List<ConsumerRecord<byte[], byte[]>> batch = List.of(
                new ConsumerRecord<>(Topics.JOBS_RESULTS, 0, 0, job.getBytes(StandardCharsets.UTF_8), codec.encode(first)),
                new ConsumerRecord<>(Topics.JOBS_RESULTS, 0, 1, job.getBytes(StandardCharsets.UTF_8), codec.encode(second)),
                new ConsumerRecord<>(Topics.JOBS_RESULTS, 0, 2, job.getBytes(StandardCharsets.UTF_8), codec.encode(second)));
        MockProducer<byte[], byte[]> dlq = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());

        new ResultsHandler(codec, new LedgerWriter(db), new DeadLetters(dlq), d -> Optional.empty())
                .handle(batch).toCompletableFuture().get();

        assertThat(dlq.history()).isEmpty();
        String state = query("select state from jobs where id = ?", job, rs -> rs.next() ? rs.getString(1) : null);
        assertThat(state).isEqualTo("succeeded");
        assertThat(decimal("select sum(cost) from spend_ledger where job_id = ?", job)).isEqualTo(first.cost());
    }

    @Test
    void ledger_sum_equals_the_sum_of_result_costs() throws Exception {
        String tenant = "sum-" + UUID.randomUUID();
        List<JobResult> results = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String job = id("sum" + i);
            List<Attempt> attempts = new ArrayList<>();
            for (int t = 1; t <= 1 + i % 3; t++) {
                attempts.add(t % 2 == 0 ? Results.rateLimited(job, 1, t, "openai-gpt-4o-mini", "openai", "gpt-4o-mini")
                        : mini(job, 1, t, 100L * (i + 1) + t, 7L * i + 3));
            }
            results.add(Results.succeeded(job, tenant, null, "gpt-4o-mini", attempts, "r" + i));
        }
        for (JobResult r : results) {
            produce(3, r);
        }
        await("six jobs written", () -> count("select count(*) from jobs where tenant = ? and state <> 'queued'", tenant) == 6);

        BigDecimal expected = results.stream().map(JobResult::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(expected).isPositive();
        assertThat(decimal("select sum(cost) from spend_ledger where tenant = ?", tenant))
                .isEqualByComparingTo(expected);
        assertThat(decimal("select sum(cost) from jobs where tenant = ?", tenant))
                .isEqualByComparingTo(expected);
        assertThat(new SpendReport(db).total(tenant)).isEqualByComparingTo(expected);

        Reconciliation balanced = new SpendReport(db).reconcile(tenant);
        assertThat(balanced.balanced()).isTrue();
        assertThat(balanced.ledgerTotal()).isEqualByComparingTo(expected);
        assertThat(balanced.resultsTotal()).isEqualByComparingTo(expected);
        assertThat(balanced.jobsChecked()).isEqualTo(6);
        long billed = results.stream().flatMap(r -> r.attempts().stream()).filter(Attempt::billed).count();
        assertThat(balanced.ledgerEntries()).isEqualTo(billed);

        // A second entry for a billed call (the double count the ledger must never hold) is caught, by job.
        String doubled = results.get(2).jobId();
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(
                "insert into spend_ledger (attempt_id, job_id, tenant, model, provider, deployment_id, prompt_tokens,"
                        + " completion_tokens, cached_prompt_tokens, cost, occurred_at)"
                        + " select attempt_id || ':copy', job_id, tenant, model, provider, deployment_id, prompt_tokens,"
                        + " completion_tokens, cached_prompt_tokens, cost, occurred_at"
                        + " from spend_ledger where job_id = ? limit 1")) {
            st.setString(1, doubled);
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
        Reconciliation broken = new SpendReport(db).reconcile(tenant);
        assertThat(broken.balanced()).isFalse();
        assertThat(broken.mismatchedJobs()).isEqualTo(1);
        assertThat(broken.sampleMismatched()).containsExactly(doubled);
        assertThat(broken.ledgerTotal()).isGreaterThan(expected);
    }

    @Test
    void dead_letters_garbage_and_writes_the_results_behind_it() throws Exception {
        String garbageKey = "garbage-" + UUID.randomUUID();
        String job = id("after-garbage");
        produce(0, garbageKey, "not json".getBytes(StandardCharsets.UTF_8));
        produce(0, Results.succeeded(job, "g-tenant", null, "gpt-4o-mini", List.of(mini(job, 1, 1, 10, 10)), "ok"));
        awaitJob(job);

        ConsumerRecord<byte[], byte[]> dead = awaitDeadLetter(garbageKey);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not json");
        assertThat(header(dead, Headers.DLQ_STAGE)).isEqualTo("budget-service");
        assertThat(header(dead, Headers.DLQ_REASON)).startsWith("not a valid JobResult");
        assertThat(header(dead, Headers.DLQ_TOPIC)).isEqualTo(Topics.JOBS_RESULTS);
        assertThat(header(dead, Headers.TENANT)).isEqualTo("budget-it");
        assertThat(count("select count(*) from spend_ledger where job_id = ?", job)).isEqualTo(1);
    }

    @Test
    void dead_letters_a_result_the_database_refuses_and_writes_the_others_of_its_batch() throws Exception {
        String before = id("poison-before");
        String poison = id("poison");
        String after = id("poison-after");
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
        long offset = 0;
        for (JobResult r : List.of(
                Results.succeeded(before, "p-tenant", null, "gpt-4o-mini", List.of(mini(before, 1, 1, 10, 10)), "fine"),
                Results.succeeded(poison, "p-tenant", null, "gpt-4o-mini", List.of(mini(poison, 1, 1, 10, 10)), "nul \u0000 inside"),
                Results.succeeded(after, "p-tenant", null, "gpt-4o-mini", List.of(mini(after, 1, 1, 10, 10)), "fine too"))) {
            batch.add(new ConsumerRecord<>(Topics.JOBS_RESULTS, 0, offset++, r.jobId().getBytes(StandardCharsets.UTF_8), codec.encode(r)));
        }
        MockProducer<byte[], byte[]> dlq = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        ResultsHandler handler = new ResultsHandler(codec, new LedgerWriter(db), new DeadLetters(dlq), d -> Optional.empty());

        handler.handle(batch).toCompletableFuture().get();

        assertThat(count("select count(*) from jobs where id = ?", before)).isEqualTo(1);
        assertThat(count("select count(*) from jobs where id = ?", after)).isEqualTo(1);
        assertThat(count("select count(*) from spend_ledger where job_id = ?", after)).isEqualTo(1);
        assertThat(count("select count(*) from jobs where id = ?", poison)).isZero();
        assertThat(count("select count(*) from spend_ledger where job_id = ?", poison)).isZero();
        assertThat(dlq.history()).singleElement().satisfies(r -> {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(poison);
            assertThat(new String(r.headers().lastHeader(Headers.DLQ_REASON).value(), StandardCharsets.UTF_8))
                    .startsWith("database rejected the result: SQLSTATE 22P05")
                    .contains("Unicode escape");
        });
    }

    @Test
    void dead_letters_poison_arriving_through_kafka() throws Exception {
        String poison = id("kpoison");
        String after = id("kpoison-after");
        produce(1, Results.succeeded(poison, "kp-tenant", null, "gpt-4o-mini", List.of(mini(poison, 1, 1, 1, 1)), "\u0000"));
        produce(1, Results.succeeded(after, "kp-tenant", null, "gpt-4o-mini", List.of(mini(after, 1, 1, 1, 1)), "ok"));
        awaitJob(after);

        ConsumerRecord<byte[], byte[]> dead = awaitDeadLetter(poison);
        assertThat(header(dead, Headers.DLQ_STAGE)).isEqualTo("budget-service");
        assertThat(header(dead, Headers.DLQ_REASON)).contains("22P05");
        assertThat(count("select count(*) from jobs where id = ?", poison)).isZero();
    }

    @Test
    void spend_report_groups_a_tenants_ledger() throws Exception {
        String tenant = "report-" + UUID.randomUUID();
        String batch = "batch-" + tenant;
        String j1 = id("r1");
        String j2 = id("r2");
        String j3 = id("r3");
        produce(2, Results.succeeded(j1, tenant, batch, "gpt-4o-mini", List.of(mini(j1, 1, 1, 1000, 100)), "a"));
        produce(2, Results.succeeded(j2, tenant, batch, "gpt-4o-mini", List.of(mini(j2, 1, 1, 2000, 300)), "b"));
        produce(2, Results.succeeded(j3, tenant, null, "gpt-4o", List.of(
                Results.billed(j3, 1, 1, "openai-gpt-4o", "openai", "gpt-4o", 100, 0, "0.000250000000"),
                Results.billed(j3, 2, 1, "azure-gpt-4o", "azure", "gpt-4o", 100, 50, "0.000750000000")), "c"));
        await("three jobs", () -> count("select count(*) from spend_ledger where tenant = ?", tenant) == 4);
        SpendReport report = new SpendReport(db);

        // gpt-4o-mini: 3000 * 0.15 + 400 * 0.60 per million = 0.00069; gpt-4o: 0.001
        assertThat(byGroup(report, SpendDimension.MODEL, tenant)).containsExactly(
                new SpendRow(null, List.of("gpt-4o"), 2, 200, 50, new BigDecimal("0.001000000000"), 0),
                new SpendRow(null, List.of("gpt-4o-mini"), 2, 3000, 400, new BigDecimal("0.000690000000"), 0));
        assertThat(byGroup(report, SpendDimension.PROVIDER, tenant)).extracting(SpendRow::key, SpendRow::entries)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("openai", 3L), org.assertj.core.groups.Tuple.tuple("azure", 1L));
        assertThat(byGroup(report, SpendDimension.BATCH, tenant)).extracting(SpendRow::key, SpendRow::cost)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(null, new BigDecimal("0.001000000000")),
                        org.assertj.core.groups.Tuple.tuple(batch, new BigDecimal("0.000690000000")));
        assertThat(byGroup(report, SpendDimension.DEPLOYMENT, tenant)).hasSize(3);
        assertThat(byGroup(report, SpendDimension.TENANT, tenant)).containsExactly(
                new SpendRow(null, List.of(tenant), 4, 3200, 450, new BigDecimal("0.001690000000"), 0));
        assertThat(report.total(tenant)).isEqualTo(new BigDecimal("0.001690000000"));
        assertThat(report.total()).isGreaterThanOrEqualTo(report.total(tenant));
        assertThat(byGroup(report, SpendDimension.TENANT, null)).extracting(SpendRow::key).contains(tenant);

        Vertx vertx = Vertx.vertx();
        try {
            Router router = Router.router(vertx);
            new SpendRoutes(report, vertx).install(router);
            HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0)
                    .toCompletionStage().toCompletableFuture().get();
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.actualPort() + "/v1/spend";

            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(base + "?group_by=model&tenant=" + tenant)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("content-type")).contains("application/json");
            JsonNode body = codec.mapper().readTree(ok.body());
            assertThat(body.path("object").asText()).isEqualTo("list");
            assertThat(body.path("group_by").toString()).isEqualTo("[\"model\"]");
            assertThat(body.path("data")).hasSize(2);
            assertThat(body.path("data").get(1).path("model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(body.path("data").get(1).path("entries").asLong()).isEqualTo(2);
            assertThat(body.path("data").get(1).path("prompt_tokens").asLong()).isEqualTo(3000);
            assertThat(body.path("data").get(1).path("completion_tokens").asLong()).isEqualTo(400);
            assertThat(body.path("data").get(1).path("cost").isTextual()).isTrue();
            assertThat(body.path("data").get(1).path("cost").asText()).isEqualTo("0.000690000000");
            assertThat(body.path("total_cost").asText()).isEqualTo("0.001690000000");

            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base + "?group_by=color")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
            JsonNode error = codec.mapper().readTree(bad.body()).path("error");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("code").asText()).isEqualTo("invalid_value");
            assertThat(error.path("param").asText()).isEqualTo("group_by");
            assertThat(error.path("message").asText()).isEqualTo("group_by must be one or more of tenant, key, model, provider,"
                    + " deployment, batch, tag, project, comma-separated; got 'color'");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    private static List<SpendRow> byGroup(SpendReport report, SpendDimension d, String tenant) {
        return report.query(SpendQuery.of(d).forTenant(tenant)).rows();
    }
}
