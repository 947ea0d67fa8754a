package dev.railyard.router;

import static dev.railyard.router.budget.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.BudgetPeriod;
import dev.railyard.config.BudgetSpec;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.router.budget.BudgetSettings;
import dev.railyard.router.policy.DeploymentHealth;
import dev.railyard.schema.DispatchRecords;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Headers;
import dev.railyard.schema.MalformedEventException;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.BudgetState;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code defer} budgets end to end through a router on the real broker and database: jobs that do not fit are held
 * (nothing dispatched, no result) and released by a raised limit, a window reset or room in a newer budget state, or
 * expired at their deadline. The router's clock is a test clock; each test has its own tenant and budget.
 */
@ExtendWith(SharedInfrastructure.class)
class BudgetDeferralIT {
    static final EventCodec codec = new EventCodec();
    static final String PREFIX = "defer-it-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    static final String LIMIT = PREFIX + "limit";
    static final String WINDOW = PREFIX + "window";
    static final String DEADLINE = PREFIX + "deadline";
    static final String ROOM = PREFIX + "room";
    static final BigDecimal ONE_DOLLAR = new BigDecimal("1.00");

    static final TestClock clock = new TestClock(Instant.parse("2026-03-15T10:20:00Z"));
    static final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    static KafkaClients clients;
    static DataSource db;
    static RouterService router;
    static KafkaProducer<byte[], byte[]> producer;

    /** Each budget counts the jobs of the tenant of the same name only. */
    static BudgetSpec budget(String id, BudgetPeriod period) {
        return new BudgetSpec(id, BudgetSpec.Scope.TENANT, id, period, ONE_DOLLAR, BudgetSpec.Action.DEFER);
    }

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) {
        RailyardConfig config = new ConfigLoader(Map.of()).loadDefault().withBudgets(List.of(
                budget(LIMIT, BudgetPeriod.DAILY), budget(WINDOW, BudgetPeriod.HOURLY),
                budget(DEADLINE, BudgetPeriod.DAILY), budget(ROOM, BudgetPeriod.DAILY)));
        clients = new KafkaClients(servers.bootstrapServers());
        new TopicSetup(clients, 4, (short) 1).ensure(config.providers().keySet());
        db = servers.dataSource();
        router = new RouterService(config, clients, DeploymentHealth.expected(), registry,
                new BudgetSettings(db, clock, Duration.ofMillis(50)));
        router.start();
        producer = clients.producer("defer-it");
    }

    @AfterAll
    static void stop() throws Exception {
        for (String id : List.of(LIMIT, ROOM)) {
            producer.send(new ProducerRecord<>(Topics.BUDGET_STATE, id.getBytes(StandardCharsets.UTF_8), null)).get();
        }
        producer.close();
        router.close();
        update("delete from budget_deferrals where budget_id like ?", PREFIX + "%");
    }

    // ---- the tests ----

    @Test
    void jobs_beyond_the_limit_are_held_once_and_released_when_the_limit_is_raised() throws Exception {
        Window w = fillLeavingRoomFor(LIMIT, new BigDecimal("1.5"));
        List<ProducerRecord<byte[], byte[]>> jobs = new ArrayList<>();
        for (String suffix : List.of("1", "2", "3")) {
            jobs.add(submit(LIMIT, LIMIT + "-j" + suffix, null));
        }
        awaitDispatch(LIMIT + "-j1");
        await("j2 and j3 held", () -> held(LIMIT + "-j2") && held(LIMIT + "-j3"));
        Instant heldAt = deferredAt(LIMIT + "-j2");

        // The same record again (a redelivery), then one more job behind it on the same partition.
        producer.send(copy(jobs.get(1))).get();
        submit(LIMIT, LIMIT + "-j4", null);
        await("j4 held", () -> held(LIMIT + "-j4"));
        assertThat(deferredAt(LIMIT + "-j2")).isEqualTo(heldAt);
        assertThat(heldJobs(LIMIT)).containsExactlyInAnyOrder(LIMIT + "-j2", LIMIT + "-j3", LIMIT + "-j4");
        for (String id : List.of(LIMIT + "-j2", LIMIT + "-j3", LIMIT + "-j4")) {
            assertThat(all(Topics.dispatch("openai"), r -> dispatchOf(r, id))).as("dispatches of " + id).isEmpty();
            assertThat(all(Topics.JOBS_RESULTS, r -> keyed(r, id))).as("results of " + id).isEmpty();
        }
        await("the deferred-jobs gauge counts them", () -> gauge() >= 3 && gauge() == count("select count(*) from budget_deferrals"));

        publishState(LIMIT, "daily", "2.00", w.start(), clock.instant());

        for (String id : List.of(LIMIT + "-j2", LIMIT + "-j3", LIMIT + "-j4")) {
            awaitDispatch(id);
        }
        await("no job held any more", () -> heldJobs(LIMIT).isEmpty());
        assertThat(all(Topics.dispatch("openai"), r -> dispatchOf(r, LIMIT + "-j2"))).hasSize(1); // held twice, released once
        List<ConsumerRecord<byte[], byte[]>> submitted = all(Topics.JOBS_SUBMITTED, r -> jobIdOf(r, LIMIT + "-j2"));
        assertThat(submitted).hasSize(3); // submitted, redelivered, released
        ConsumerRecord<byte[], byte[]> released = submitted.get(2);
        assertThat(released.key()).isEqualTo(DispatchRecords.key(LIMIT, null));
        assertThat(header(released, Headers.TENANT)).isEqualTo(LIMIT);
        assertThat(header(released, Headers.PRIORITY)).isEqualTo("standard");
        assertThat(header(released, Headers.JOB_ID)).isEqualTo(LIMIT + "-j2");
        assertThat(codec.decode(released.value(), JobSubmitted.class)).isEqualTo(codec.decode(jobs.get(1).value(), JobSubmitted.class));
        // Released jobs reserved again, in the same window, against the raised limit.
        assertThat(reservedJobs(LIMIT, w.start())).contains(LIMIT + "-j2", LIMIT + "-j3", LIMIT + "-j4");
        await("the gauge drops", () -> gauge() == count("select count(*) from budget_deferrals"));
    }

    @Test
    void a_held_job_is_released_when_its_window_resets_and_reserves_in_the_new_window() throws Exception {
        Window w = fillLeavingRoomFor(WINDOW, new BigDecimal("0.5"));
        submit(WINDOW, WINDOW + "-j1", null);
        await("j1 held", () -> held(WINDOW + "-j1"));
        assertThat(all(Topics.dispatch("openai"), r -> dispatchOf(r, WINDOW + "-j1"))).isEmpty();

        Instant nextHour = w.start().plus(Duration.ofHours(1));
        clock.set(nextHour.plusSeconds(60).isAfter(clock.instant()) ? nextHour.plusSeconds(60) : clock.instant());

        awaitDispatch(WINDOW + "-j1");
        await("j1 no longer held", () -> !held(WINDOW + "-j1"));
        assertThat(reservedJobs(WINDOW, nextHour)).containsExactly(WINDOW + "-j1");
    }

    @Test
    void a_held_job_whose_deadline_passes_ends_expired_and_is_never_dispatched() throws Exception {
        fillLeavingRoomFor(DEADLINE, new BigDecimal("0.5"));
        Instant deadline = clock.instant().plus(Duration.ofMinutes(10));
        submit(DEADLINE, DEADLINE + "-j1", deadline);
        await("j1 held", () -> held(DEADLINE + "-j1"));

        clock.set(deadline.plusSeconds(1));

        JobResult result = codec.decode(TopicProbe.await(clients, Topics.JOBS_RESULTS, r -> keyed(r, DEADLINE + "-j1")).value(),
                JobResult.class);
        assertThat(result.outcome()).isEqualTo(Outcome.EXPIRED);
        assertThat(result.error().type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(result.error().message()).isEqualTo("deferred by budget '" + DEADLINE + "' until its deadline " + deadline + " passed");
        assertThat(result.tenant()).isEqualTo(DEADLINE);
        assertThat(result.cost()).isZero();
        await("j1 no longer held", () -> !held(DEADLINE + "-j1"));
        assertThat(all(Topics.dispatch("openai"), r -> dispatchOf(r, DEADLINE + "-j1"))).isEmpty();
        assertThat(all(Topics.JOBS_RESULTS, r -> keyed(r, DEADLINE + "-j1"))).hasSize(1);
    }

    @Test
    void room_in_a_newer_budget_state_releases_the_oldest_held_jobs_that_fit() throws Exception {
        Window w = fillLeavingRoomFor(ROOM, new BigDecimal("0.5"));
        submit(ROOM, ROOM + "-j1", null);
        submit(ROOM, ROOM + "-j2", null);
        await("j1 and j2 held", () -> held(ROOM + "-j1") && held(ROOM + "-j2"));

        // Settlements freed room for one job and a bit: the budget service says so on the topic (limit unchanged).
        setRoom(ROOM, w, w.amount().multiply(new BigDecimal("1.2")));
        BigDecimal[] window = window(ROOM, w.start());
        publishState(ROOM, "daily", "1.00", w.start(), clock.instant().plusSeconds(1), window[0], window[1]);

        awaitDispatch(ROOM + "-j1");
        await("j1 no longer held", () -> !held(ROOM + "-j1"));
        assertThat(held(ROOM + "-j2")).isTrue();
        assertThat(all(Topics.dispatch("openai"), r -> dispatchOf(r, ROOM + "-j2"))).isEmpty();

        // A later state with room again lets the next one go.
        setRoom(ROOM, w, w.amount().multiply(new BigDecimal("1.2")));
        window = window(ROOM, w.start());
        publishState(ROOM, "daily", "1.00", w.start(), clock.instant().plusSeconds(2), window[0], window[1]);
        awaitDispatch(ROOM + "-j2");
        await("j2 no longer held", () -> !held(ROOM + "-j2"));
    }

    // ---- budget windows ----

    record Window(Instant start, BigDecimal amount) {
    }

    /**
     * Dispatches a first job of the budget's tenant (learning its worst-case amount, the same for every job here), then
     * marks the window spent so that {@code jobs} times that amount is left.
     */
    static Window fillLeavingRoomFor(String budget, BigDecimal jobs) throws Exception {
        submit(budget, budget + "-j0", null);
        awaitDispatch(budget + "-j0");
        Instant start;
        BigDecimal amount;
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select window_start, amount from budget_reservations where job_id = ? and budget_id = ?")) {
            ps.setString(1, budget + "-j0");
            ps.setString(2, budget);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                start = rs.getTimestamp(1).toInstant();
                amount = rs.getBigDecimal(2);
            }
        }
        Window w = new Window(start, amount);
        setRoom(budget, w, amount.multiply(jobs));
        return w;
    }

    static void setRoom(String budget, Window w, BigDecimal room) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "update budget_windows set spent = ? - reserved - ? where budget_id = ? and window_start = ?")) {
            ps.setBigDecimal(1, ONE_DOLLAR);
            ps.setBigDecimal(2, room);
            ps.setString(3, budget);
            ps.setTimestamp(4, Timestamp.from(w.start()));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    static BigDecimal[] window(String budget, Instant start) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select spent, reserved from budget_windows where budget_id = ? and window_start = ?")) {
            ps.setString(1, budget);
            ps.setTimestamp(2, Timestamp.from(start));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return new BigDecimal[] {rs.getBigDecimal(1), rs.getBigDecimal(2)};
            }
        }
    }

    static List<String> reservedJobs(String budget, Instant windowStart) throws SQLException {
        return strings("select job_id from budget_reservations where budget_id = ? and window_start = ? and job_id <> ? order by job_id",
                budget, Timestamp.from(windowStart), budget + "-j0");
    }

    // ---- held jobs ----

    static boolean held(String jobId) {
        return !strings("select job_id from budget_deferrals where job_id = ?", jobId).isEmpty();
    }

    static List<String> heldJobs(String budget) {
        return strings("select job_id from budget_deferrals where budget_id = ?", budget);
    }

    static Instant deferredAt(String jobId) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("select deferred_at from budget_deferrals where job_id = ?")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getTimestamp(1).toInstant();
            }
        }
    }

    static double gauge() {
        var g = registry.find(RouterService.DEFERRED_GAUGE).gauge();
        return g == null ? -1 : g.value();
    }

    static long count(String sql) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> strings(String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void update(String sql, String arg) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            ps.executeUpdate();
        }
    }

    // ---- Kafka ----

    /** A chat job of {@code tenant}, keyed and with headers as the API publishes it. */
    static ProducerRecord<byte[], byte[]> submit(String tenant, String jobId, Instant deadline) throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}],\"max_tokens\":200}";
        JobSubmitted job = new JobSubmitted(1, UUID.randomUUID().toString(), jobId, clock.instant(), tenant, null, null, 0,
                "/v1/chat/completions", "gpt-4o-mini", codec.tree(body.getBytes(StandardCharsets.UTF_8)), null, deadline, null, null);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(Topics.JOBS_SUBMITTED, DispatchRecords.key(tenant, null),
                codec.encode(job));
        DispatchRecords.headers(tenant, null).forEach(record.headers()::add);
        record.headers().add(Headers.JOB_ID, jobId.getBytes(StandardCharsets.UTF_8));
        producer.send(record).get();
        return record;
    }

    static ProducerRecord<byte[], byte[]> copy(ProducerRecord<byte[], byte[]> r) {
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(r.topic(), r.key(), r.value());
        r.headers().forEach(out.headers()::add);
        return out;
    }

    static void publishState(String id, String period, String limit, Instant windowStart, Instant updatedAt) throws Exception {
        BigDecimal[] w = window(id, windowStart);
        publishState(id, period, limit, windowStart, updatedAt, w[0], w[1]);
    }

    static void publishState(String id, String period, String limit, Instant windowStart, Instant updatedAt, BigDecimal spent,
                             BigDecimal reserved) throws Exception {
        BudgetState state = new BudgetState(BudgetState.SCHEMA_VERSION, id, "tenant", id, period, "defer", new BigDecimal(limit),
                List.of(50, 80, 100), null, "api", windowStart, windowStart.plus(Duration.ofDays(1)), spent, reserved, updatedAt);
        producer.send(new ProducerRecord<>(Topics.BUDGET_STATE, id.getBytes(StandardCharsets.UTF_8), codec.encode(state))).get();
    }

    static void awaitDispatch(String jobId) {
        TopicProbe.await(clients, Topics.dispatch("openai"), r -> dispatchOf(r, jobId));
    }

    static boolean dispatchOf(ConsumerRecord<byte[], byte[]> r, String jobId) {
        return RouterServiceIT.dispatchOf(r, jobId);
    }

    static boolean keyed(ConsumerRecord<byte[], byte[]> r, String key) {
        return RouterServiceIT.keyed(r, key);
    }

    static boolean jobIdOf(ConsumerRecord<byte[], byte[]> r, String jobId) {
        try {
            return jobId.equals(codec.decode(r.value(), JobSubmitted.class).jobId());
        } catch (MalformedEventException e) {
            return false;
        }
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return RouterServiceIT.header(r, name);
    }

    /** Every record of the topic up to its current end that {@code wanted} accepts, in offset order per partition. */
    static List<ConsumerRecord<byte[], byte[]>> all(String topic, Predicate<ConsumerRecord<byte[], byte[]>> wanted) {
        try (KafkaConsumer<byte[], byte[]> consumer = clients.consumer("defer-it-probe-" + UUID.randomUUID(), 500)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (wanted.test(r)) {
                        out.add(r);
                    }
                });
            }
            return out;
        }
    }

    /** The router's clock, moved by the tests. */
    static final class TestClock extends Clock {
        private volatile Instant now;

        TestClock(Instant start) {
            this.now = start;
        }

        void set(Instant at) {
            now = at;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
