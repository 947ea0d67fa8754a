package dev.railyard.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.budget.alert.AlertRetry;
import dev.railyard.budget.report.Reconciliation;
import dev.railyard.budget.report.SpendReport;
import dev.railyard.config.BudgetPeriod;
import dev.railyard.config.BudgetSpec;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobResult;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The budget service killed repeatedly (no clean commit) while results stream in: afterwards every billed attempt is in
 * the ledger exactly once, the ledger equals the results, every reservation settled once into the budget's window, and
 * each alert threshold was recorded once.
 */
@ExtendWith(SharedInfrastructure.class)
class BudgetServiceKillIT {
    private static final Logger log = LoggerFactory.getLogger(BudgetServiceKillIT.class);
    static final int JOBS = 3000;
    static final int KILLS = 5;

    static JobResult result(String job, String tenant, int i) {
        BigDecimal cost = BigDecimal.valueOf(1000 + (i * 7919L) % 5000).movePointLeft(6).add(new BigDecimal("0.000000000007"));
        String deployment = "openai-gpt-4o-mini";
        return switch (i % 4) {
            case 0, 1 -> BudgetRig.succeeded(job, tenant, cost.toPlainString());
            case 2 -> Results.succeeded(job, tenant, null, "gpt-4o-mini", List.of(
                    Results.rateLimited(job, 1, 1, deployment, "openai", "gpt-4o-mini"),
                    Results.billed(job, 1, 2, deployment, "openai", "gpt-4o-mini", 10, 10, cost.toPlainString()),
                    Results.billed(job, 2, 1, deployment, "openai", "gpt-4o-mini", 20, 5, "0.000123")), "ok");
            default -> Results.failed(job, tenant, "gpt-4o-mini", List.of(
                    Results.rateLimited(job, 1, 1, deployment, "openai", "gpt-4o-mini")), ErrorType.RATE_LIMITED);
        };
    }

    static void reserveAll(DataSource db, List<String> jobs, String budget) throws Exception {
        OffsetDateTime epoch = OffsetDateTime.ofInstant(Instant.EPOCH, ZoneOffset.UTC);
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement w = c.prepareStatement("insert into budget_windows (budget_id, window_start) values (?, ?) on conflict do nothing");
                 PreparedStatement r = c.prepareStatement("insert into budget_reservations (job_id, budget_id, window_start, amount) values (?, ?, ?, 0.01)");
                 PreparedStatement u = c.prepareStatement("update budget_windows set reserved = reserved + ? where budget_id = ? and window_start = ?")) {
                w.setString(1, budget);
                w.setObject(2, epoch, Types.TIMESTAMP_WITH_TIMEZONE);
                w.executeUpdate();
                for (String job : jobs) {
                    r.setString(1, job);
                    r.setString(2, budget);
                    r.setObject(3, epoch, Types.TIMESTAMP_WITH_TIMEZONE);
                    r.addBatch();
                }
                r.executeBatch();
                u.setBigDecimal(1, new BigDecimal("0.01").multiply(BigDecimal.valueOf(jobs.size())));
                u.setString(2, budget);
                u.setObject(3, epoch, Types.TIMESTAMP_WITH_TIMEZONE);
                u.executeUpdate();
            }
            c.commit();
        }
    }

    static long written(DataSource db, String tenant) throws Exception {
        return BudgetRig.count(db, "select count(*) from jobs where tenant = ? and state <> 'queued'", tenant);
    }

    @Test
    void killed_repeatedly_while_results_stream_in_nothing_is_lost_or_doubled(SharedInfrastructure.Servers servers) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String tenant = "kill-" + suffix;
        String budget = "kill-budget-" + suffix;
        DataSource db = servers.dataSource();
        Vertx vertx = Vertx.vertx();
        WebhookReceiver receiver = new WebhookReceiver(vertx);
        RailyardConfig config = new ConfigLoader(Map.of()).loadDefault().withBudgets(List.of(new BudgetSpec(budget,
                BudgetSpec.Scope.TENANT, tenant, BudgetPeriod.TOTAL, new BigDecimal("1.00"), BudgetSpec.Action.WARN,
                List.of(10, 50, 100), receiver.url(budget))));
        // A short session, so a killed member (which never leaves its group) is replaced in seconds, not 45.
        KafkaClients clients = new KafkaClients(servers.bootstrapServers(), "kill-it",
                Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1000"));
        new TopicSetup(clients, 4, (short) 1).ensure(config.providers().keySet());
        BudgetSettings settings = BudgetSettings.defaults()
                .withConsumerGroup("kill-it-" + UUID.randomUUID())
                .withStateInterval(Duration.ofSeconds(1))
                .withAlertDelivery(new AlertRetry(Duration.ofMillis(200), Duration.ofSeconds(1), 20), Duration.ofMillis(200),
                        Duration.ofSeconds(2));

        List<JobResult> results = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            results.add(result("kill-job-" + suffix + "-" + i, tenant, i));
        }
        reserveAll(db, results.stream().map(JobResult::jobId).toList(), budget);
        BigDecimal expected = results.stream().map(JobResult::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
        long billedAttempts = results.stream().flatMap(r -> r.attempts().stream()).filter(Attempt::billed).count();

        BudgetService service = new BudgetService(config, clients, db, vertx, settings);
        service.start();
        try (KafkaProducer<byte[], byte[]> producer = clients.producer("kill-it")) {
            // Results stream in slice by slice on another thread; each kill lands halfway through a slice, while the service
            // is consuming it and the rest is still being produced (every send waits for its acknowledgement).
            int slice = JOBS / (KILLS + 1);
            for (int k = 0; k <= KILLS; k++) {
                long done = (long) k * slice;
                BudgetRig.await(done + " jobs written", () -> written(db, tenant) >= done);
                List<JobResult> part = results.subList(k * slice, k == KILLS ? JOBS : (k + 1) * slice);
                CompletableFuture<Void> streaming = CompletableFuture.runAsync(() -> {
                    try {
                        for (JobResult r : part) {
                            BudgetRig.produce(producer, null, r);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                if (k < KILLS) {
                    long half = done + slice / 2;
                    BudgetRig.await(half + " jobs written before kill " + (k + 1), () -> written(db, tenant) >= half);
                    service.halt();
                    log.info("kill {} at {} jobs written, streaming done: {}", k + 1, written(db, tenant), streaming.isDone());
                    service = new BudgetService(config, clients, db, vertx, settings);
                    service.start();
                }
                streaming.get();
            }
            BudgetRig.await("every job written", () -> BudgetRig.count(db,
                    "select count(*) from jobs where tenant = ? and state <> 'queued'", tenant) == JOBS);
            BudgetRig.await("every reservation settled", () -> BudgetRig.count(db,
                    "select count(*) from budget_reservations where budget_id = ? and settled_at is null", budget) == 0);

            assertThat(BudgetRig.count(db, "select count(*) from spend_ledger where tenant = ?", tenant)).isEqualTo(billedAttempts);
            Set<String> attemptIds = new HashSet<>();
            results.forEach(r -> r.attempts().stream().filter(Attempt::billed).forEach(a -> attemptIds.add(a.attemptId())));
            assertThat(BudgetRig.count(db, "select count(distinct attempt_id) from spend_ledger where tenant = ?", tenant))
                    .isEqualTo(attemptIds.size());
            SpendReport spend = new SpendReport(db);
            assertThat(spend.total(tenant)).isEqualByComparingTo(expected);
            Reconciliation reconciliation = spend.reconcile(tenant);
            assertThat(reconciliation.balanced()).isTrue();
            assertThat(reconciliation.jobsChecked()).isEqualTo(JOBS);
            assertThat(reconciliation.ledgerEntries()).isEqualTo(billedAttempts);
            assertThat(reconciliation.ledgerTotal()).isEqualByComparingTo(expected);
            assertThat(reconciliation.resultsTotal()).isEqualByComparingTo(expected);

            // Each reservation settled once: the window spent exactly the ledger, and holds nothing reserved.
            BigDecimal[] window = BudgetRig.window(db, budget, Instant.EPOCH);
            assertThat(window[0]).isEqualByComparingTo(expected);
            assertThat(window[1]).isZero();
            try (StateProbe probe = new StateProbe(clients)) {
                probe.awaitLatest(budget, s -> s != null && s.spent().compareTo(expected) == 0 && s.reserved().signum() == 0);
            }
            assertThat(BudgetRig.count(db, "select count(*) from budget_alerts where budget_id = ?", budget)).isEqualTo(3);
            BudgetRig.await("every alert delivered", () -> BudgetRig.count(db,
                    "select count(*) from budget_alerts where budget_id = ? and delivered_at is not null", budget) == 3);
            // A kill can cut a delivery short after the webhook answered: redelivered, with the same id, never a new one.
            assertThat(receiver.to(budget)).extracting(d -> d.header("webhook-id")).containsOnly(
                    budget + ":1970-01-01T00:00:00Z:10", budget + ":1970-01-01T00:00:00Z:50", budget + ":1970-01-01T00:00:00Z:100");
            log.info("ledger {} over {} entries; {} webhook calls for 3 alerts", expected, billedAttempts, receiver.to(budget).size());
        } finally {
            service.close();
            receiver.close();
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }
}
