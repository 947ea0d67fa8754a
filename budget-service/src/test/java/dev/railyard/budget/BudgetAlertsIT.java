package dev.railyard.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.budget.alert.AlertRetry;
import dev.railyard.config.BudgetPeriod;
import dev.railyard.config.BudgetSpec;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobResult;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Soft-threshold alerts: recorded once per budget, window and threshold, and delivered to the webhook once, with two
 * budget-service instances in one group and the same results delivered twice; retried when the webhook fails; signed.
 */
@ExtendWith(SharedInfrastructure.class)
class BudgetAlertsIT {
    static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    static final String HOOKED = "hooked-" + SUFFIX;
    static final String FLAKY = "flaky-" + SUFFIX;
    static final String SILENT = "silent-" + SUFFIX;
    static final String FREE = "free-" + SUFFIX;
    static final byte[] KEY = new byte[32];
    static String secret;
    static DataSource db;
    static Vertx vertx;
    static WebhookReceiver receiver;
    static KafkaProducer<byte[], byte[]> producer;
    static BudgetService first;
    static BudgetService second;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) throws Exception {
        db = servers.dataSource();
        vertx = Vertx.vertx();
        receiver = new WebhookReceiver(vertx);
        new SecureRandom().nextBytes(KEY);
        secret = "whsec_" + Base64.getEncoder().encodeToString(KEY);
        RailyardConfig config = new ConfigLoader(Map.of()).loadDefault().withBudgets(List.of(
                budget(HOOKED, "1.00", List.of(50, 80, 100), receiver.url(HOOKED)),
                budget(FLAKY, "1.00", List.of(10), receiver.url(FLAKY)),
                budget(SILENT, "1.00", List.of(50), null),
                budget(FREE, "0", List.of(50, 100), receiver.url(FREE))));
        receiver.failFirst(FLAKY, 2);
        KafkaClients clients = new KafkaClients(servers.bootstrapServers());
        new TopicSetup(clients, 4, (short) 1).ensure(config.providers().keySet());
        producer = clients.producer("alerts-it");
        BudgetSettings settings = BudgetSettings.defaults()
                .withConsumerGroup("alerts-it-" + UUID.randomUUID())
                .withWebhookSecret(secret)
                .withAlertDelivery(new AlertRetry(Duration.ofMillis(200), Duration.ofSeconds(1), 10), Duration.ofMillis(200),
                        Duration.ofSeconds(5));
        // Two instances in one group: each owns some partitions, and both deliver alerts.
        first = new BudgetService(config, clients, db, vertx, settings);
        second = new BudgetService(config, clients, db, vertx, settings);
        first.start();
        second.start();
    }

    static BudgetSpec budget(String id, String limit, List<Integer> alertAt, String webhook) {
        return new BudgetSpec(id, BudgetSpec.Scope.TENANT, "alerts-it", BudgetPeriod.TOTAL, new BigDecimal(limit), BudgetSpec.Action.WARN,
                alertAt, webhook);
    }

    @AfterAll
    static void stop() throws Exception {
        producer.close();
        first.close();
        second.close();
        receiver.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    static long alertRows(String budget) throws Exception {
        return BudgetRig.count(db, "select count(*) from budget_alerts where budget_id = ?", budget);
    }

    static long delivered(String budget) throws Exception {
        return BudgetRig.count(db, "select count(*) from budget_alerts where budget_id = ? and delivered_at is not null", budget);
    }

    static void awaitSettled(String job) throws Exception {
        BudgetRig.await("job " + job + " settled", () -> BudgetRig.count(db,
                "select count(*) from budget_reservations where job_id = ? and settled_at is null", job) == 0
                && BudgetRig.count(db, "select count(*) from jobs where id = ? and state <> 'queued'", job) == 1);
    }

    static String hmac(String id, String timestamp, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void each_threshold_alerts_once_per_window_despite_redelivered_results_and_two_instances() throws Exception {
        String[] costs = {"0.30", "0.25", "0.30", "0.20"}; // 0.30, 0.55 (50 %), 0.85 (80 %), 1.05 (100 %)
        List<JobResult> results = new ArrayList<>();
        for (int i = 0; i < costs.length; i++) {
            String job = "alert-job-" + i + "-" + SUFFIX;
            BudgetRig.reserve(db, job, HOOKED, Instant.EPOCH, "0.5");
            results.add(BudgetRig.succeeded(job, "alerts-it", costs[i]));
        }
        for (int round = 0; round < 2; round++) { // the second round is the same results redelivered
            for (int i = 0; i < results.size(); i++) {
                BudgetRig.produce(producer, i % 4, results.get(i));
            }
            for (JobResult r : results) {
                awaitSettled(r.jobId());
            }
        }
        // Sentinels behind the redelivered records on every partition: once they are written, so are the repeats.
        for (int p = 0; p < 4; p++) {
            String sentinel = "alert-sentinel-" + p + "-" + SUFFIX;
            BudgetRig.produce(producer, p, BudgetRig.succeeded(sentinel, "alerts-it", "0.001"));
            String job = sentinel;
            BudgetRig.await("sentinel " + p, () -> BudgetRig.count(db, "select count(*) from jobs where id = ?", job) == 1);
        }
        BudgetRig.await("three alerts delivered", () -> delivered(HOOKED) == 3);

        assertThat(BudgetRig.window(db, HOOKED, Instant.EPOCH)[0]).isEqualByComparingTo("1.05");
        assertThat(alertRows(HOOKED)).isEqualTo(3);
        assertThat(BudgetRig.count(db, "select count(*) from budget_alerts where budget_id = ? and attempts <> 1", HOOKED)).isZero();
        List<WebhookReceiver.Delivery> got = receiver.to(HOOKED);
        assertThat(got).extracting(d -> d.header("webhook-id")).containsExactlyInAnyOrder(
                HOOKED + ":1970-01-01T00:00:00Z:50", HOOKED + ":1970-01-01T00:00:00Z:80", HOOKED + ":1970-01-01T00:00:00Z:100");
        for (WebhookReceiver.Delivery d : got) {
            assertThat(d.header("content-type")).isEqualTo("application/json");
            assertThat(d.header("webhook-signature")).isEqualTo(hmac(d.header("webhook-id"), d.header("webhook-timestamp"), d.body()));
            assertThat(Long.parseLong(d.header("webhook-timestamp"))).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(300L));
            JsonNode body = BudgetRig.codec.mapper().readTree(d.body());
            int threshold = body.path("threshold").asInt();
            assertThat(body.path("type").asText()).isEqualTo("budget.threshold_crossed");
            assertThat(body.path("id").asText()).isEqualTo(d.header("webhook-id"));
            assertThat(body.path("budget_id").asText()).isEqualTo(HOOKED);
            assertThat(body.path("scope").asText()).isEqualTo("tenant");
            assertThat(body.path("scope_value").asText()).isEqualTo("alerts-it");
            assertThat(body.path("period").asText()).isEqualTo("total");
            assertThat(body.path("window_start").asText()).isEqualTo("1970-01-01T00:00:00Z");
            assertThat(body.path("resets_at").isNull()).isTrue();
            assertThat(body.path("limit").asText()).isEqualTo("1.00");
            assertThat(body.path("action").asText()).isEqualTo("warn");
            // The spend that crossed it: at least the threshold's share, and less than the next crossing needed.
            BigDecimal spent = new BigDecimal(body.path("spent").asText());
            assertThat(spent.multiply(BigDecimal.valueOf(100))).isGreaterThanOrEqualTo(BigDecimal.valueOf(threshold));
        }
        assertThat(first.admin().get(HOOKED).alertsFired()).containsExactly(50, 80, 100);
        assertThat(second.admin().get(HOOKED).alertsFired()).containsExactly(50, 80, 100);
    }

    @Test
    void a_failing_webhook_is_retried_with_the_same_event_until_it_answers_2xx() throws Exception {
        String job = "flaky-job-" + SUFFIX;
        BudgetRig.reserve(db, job, FLAKY, Instant.EPOCH, "0.5");
        BudgetRig.produce(producer, 1, BudgetRig.succeeded(job, "alerts-it", "0.2"));
        BudgetRig.await("delivered after two failures", () -> delivered(FLAKY) == 1);

        List<WebhookReceiver.Delivery> got = receiver.to(FLAKY);
        assertThat(got).hasSize(3); // 500, 500, 204
        assertThat(got).extracting(d -> d.header("webhook-id")).containsOnly(FLAKY + ":1970-01-01T00:00:00Z:10");
        assertThat(got).extracting(WebhookReceiver.Delivery::body).containsOnly(got.get(0).body());
        for (WebhookReceiver.Delivery d : got) {
            assertThat(d.header("webhook-signature")).isEqualTo(hmac(d.header("webhook-id"), d.header("webhook-timestamp"), d.body()));
        }
        assertThat(BudgetRig.count(db, "select attempts from budget_alerts where budget_id = ?", FLAKY)).isEqualTo(3);
        assertThat(BudgetRig.count(db, "select count(*) from budget_alerts where budget_id = ? and last_error is null"
                + " and next_attempt_at is null", FLAKY)).isEqualTo(1);
    }

    @Test
    void a_budget_without_a_webhook_still_records_its_alerts_and_a_zero_limit_never_alerts_without_spend() throws Exception {
        String job = "silent-job-" + SUFFIX;
        BudgetRig.reserve(db, job, SILENT, Instant.EPOCH, "0.9");
        BudgetRig.produce(producer, 2, BudgetRig.succeeded(job, "alerts-it", "0.6"));
        String free = "free-job-" + SUFFIX;
        BudgetRig.reserve(db, free, FREE, Instant.EPOCH, "0.01");
        BudgetRig.produce(producer, 2, Results.failed(free, "alerts-it", "gpt-4o-mini", List.of(), ErrorType.SERVER_ERROR));
        awaitSettled(job);
        awaitSettled(free);

        assertThat(first.admin().get(SILENT).alertsFired()).containsExactly(50);
        assertThat(BudgetRig.count(db, "select count(*) from budget_alerts where budget_id = ? and next_attempt_at is null"
                + " and delivered_at is null and attempts = 0", SILENT)).isEqualTo(1);
        assertThat(BudgetRig.window(db, FREE, Instant.EPOCH)[0]).isZero();
        assertThat(alertRows(FREE)).isZero();
        assertThat(first.admin().get(FREE).alertsFired()).isEmpty();
        assertThat(receiver.to(FREE)).isEmpty();
    }

    @Test
    void lowering_an_api_budgets_limit_below_its_spend_alerts() throws Exception {
        String id = "lowered-" + SUFFIX;
        first.admin().create(("{'id':'" + id + "','scope':'tenant','tenant':'alerts-it','period':'total','limit_usd':'10',"
                + "'action':'warn','alert_at':[50]}").replace('\'', '"').getBytes(StandardCharsets.UTF_8));
        String job = "lowered-job-" + SUFFIX;
        BudgetRig.reserve(db, job, id, Instant.EPOCH, "2");
        BudgetRig.produce(producer, 3, BudgetRig.succeeded(job, "alerts-it", "1"));
        awaitSettled(job);
        assertThat(first.admin().get(id).alertsFired()).isEmpty();

        assertThat(first.admin().update(id, "{\"limit_usd\":\"1.5\"}".getBytes(StandardCharsets.UTF_8)).spent()).isEqualByComparingTo("1");
        assertThat(first.admin().get(id).alertsFired()).containsExactly(50);
        first.admin().delete(id);
    }
}
