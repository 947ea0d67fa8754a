package dev.railyard.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.budget.alert.AlertRetry;
import dev.railyard.budget.report.BudgetStatus;
import dev.railyard.config.BudgetPeriod;
import dev.railyard.config.BudgetSpec;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.schema.event.BudgetState;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An hourly budget across the hour: the clock the service reads is moved by hand. */
@ExtendWith(SharedInfrastructure.class)
class WindowRolloverIT {

    @Test
    void spend_settles_into_the_window_it_was_reserved_in_and_alerts_fire_again_in_the_next(SharedInfrastructure.Servers servers)
            throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String hourly = "hourly-" + suffix;
        Instant ten = Instant.parse("2031-05-06T10:00:00Z");
        Instant eleven = ten.plus(Duration.ofHours(1));
        MutableClock clock = new MutableClock(ten.plus(Duration.ofMinutes(20)));
        DataSource db = servers.dataSource();
        Vertx vertx = Vertx.vertx();
        WebhookReceiver receiver = new WebhookReceiver(vertx);
        RailyardConfig config = new ConfigLoader(Map.of()).loadDefault().withBudgets(List.of(new BudgetSpec(hourly,
                BudgetSpec.Scope.TENANT, "roll", BudgetPeriod.HOURLY, new BigDecimal("1.00"), BudgetSpec.Action.REJECT,
                List.of(50), receiver.url(hourly))));
        KafkaClients clients = new KafkaClients(servers.bootstrapServers());
        new TopicSetup(clients, 4, (short) 1).ensure(config.providers().keySet());
        BudgetService service = new BudgetService(config, clients, db, vertx, BudgetSettings.defaults()
                .withConsumerGroup("rollover-it-" + UUID.randomUUID())
                .withClock(clock)
                .withStateInterval(Duration.ofMillis(300))
                .withAlertDelivery(new AlertRetry(Duration.ofMillis(200), Duration.ofSeconds(1), 10), Duration.ofMillis(200),
                        Duration.ofSeconds(5)));
        try (KafkaProducer<byte[], byte[]> producer = clients.producer("rollover-it"); StateProbe probe = new StateProbe(clients)) {
            service.start();
            BudgetState first = probe.awaitLatest(hourly, s -> s != null);
            assertThat(first.windowStart()).isEqualTo(ten);
            assertThat(first.resetsAt()).isEqualTo(eleven);

            // 10:20: a job reserved and settled in the 10:00 window crosses 50 %; another is reserved there and still running.
            BudgetRig.reserve(db, "early-" + suffix, hourly, ten, "0.9");
            BudgetRig.reserve(db, "late-" + suffix, hourly, ten, "0.4");
            BudgetRig.produce(producer, 0, BudgetRig.succeeded("early-" + suffix, "roll", "0.6"));
            probe.awaitLatest(hourly, s -> s != null && s.spent().compareTo(new BigDecimal("0.6")) == 0);
            BudgetRig.await("the 10:00 alert delivered", () -> receiver.to(hourly).size() == 1);

            // 11:05: the next window. The periodic republication shows it with nothing spent yet.
            clock.set(eleven.plus(Duration.ofMinutes(5)));
            BudgetState rolled = probe.awaitLatest(hourly, s -> s != null && s.windowStart().equals(eleven));
            assertThat(rolled.spent()).isZero();
            assertThat(rolled.reserved()).isZero();
            assertThat(rolled.resetsAt()).isEqualTo(eleven.plus(Duration.ofHours(1)));
            BudgetStatus now = service.admin().get(hourly);
            assertThat(now.windowStart()).isEqualTo(eleven);
            assertThat(now.spent()).isZero();
            assertThat(now.alertsFired()).isEmpty();

            // Spend reserved at 11:05 settles into 11:00 and alerts again there; the job reserved at 10:20 settles into 10:00.
            BudgetRig.reserve(db, "next-" + suffix, hourly, eleven, "0.9");
            BudgetRig.produce(producer, 0, BudgetRig.succeeded("late-" + suffix, "roll", "0.3"));
            BudgetRig.produce(producer, 0, BudgetRig.succeeded("next-" + suffix, "roll", "0.7"));
            probe.awaitLatest(hourly, s -> s != null && s.windowStart().equals(eleven) && s.spent().compareTo(new BigDecimal("0.7")) == 0);
            BudgetRig.await("the 11:00 alert delivered", () -> receiver.to(hourly).size() == 2);

            assertThat(BudgetRig.window(db, hourly, ten)[0]).isEqualByComparingTo("0.9");
            assertThat(BudgetRig.window(db, hourly, ten)[1]).isZero();
            assertThat(BudgetRig.window(db, hourly, eleven)[0]).isEqualByComparingTo("0.7");
            assertThat(receiver.to(hourly)).extracting(d -> d.header("webhook-id"))
                    .containsExactly(hourly + ":2031-05-06T10:00:00Z:50", hourly + ":2031-05-06T11:00:00Z:50");
            assertThat(BudgetRig.count(db, "select count(*) from budget_alerts where budget_id = ?", hourly)).isEqualTo(2);
            assertThat(service.admin().get(hourly).alertsFired()).containsExactly(50);
        } finally {
            service.close();
            receiver.close();
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }
}
