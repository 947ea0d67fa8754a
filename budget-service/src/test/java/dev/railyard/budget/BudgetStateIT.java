package dev.railyard.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.BudgetPeriod;
import dev.railyard.config.BudgetSpec;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.BudgetState;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The publisher side of the compacted budget state topic. */
@ExtendWith(SharedInfrastructure.class)
class BudgetStateIT {
    static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    static final String TEAM = "team-" + SUFFIX;
    static final String ALL = "all-" + SUFFIX;
    static final String GHOST = "ghost-" + SUFFIX;
    static DataSource db;
    static KafkaProducer<byte[], byte[]> producer;
    static BudgetService service;
    static StateProbe probe;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) throws Exception {
        db = servers.dataSource();
        RailyardConfig config = new ConfigLoader(Map.of()).loadDefault().withBudgets(List.of(
                new BudgetSpec(TEAM, BudgetSpec.Scope.TENANT, "team-a", BudgetPeriod.DAILY, new BigDecimal("1.00"), BudgetSpec.Action.REJECT),
                new BudgetSpec(ALL, BudgetSpec.Scope.GLOBAL, null, BudgetPeriod.TOTAL, new BigDecimal("50"), BudgetSpec.Action.WARN,
                        List.of(90), null)));
        KafkaClients clients = new KafkaClients(servers.bootstrapServers());
        new TopicSetup(clients, 4, (short) 1).ensure(config.providers().keySet());
        producer = clients.producer("state-it");
        // A budget the topic still holds but no configuration or table defines any more (e.g. removed from railyard.yaml).
        BudgetState ghost = new BudgetState(BudgetState.SCHEMA_VERSION, GHOST, "global", null, "total", "reject", BigDecimal.ONE,
                List.of(), null, "config", Instant.EPOCH, null, BigDecimal.ZERO, BigDecimal.ZERO, Instant.now());
        producer.send(new ProducerRecord<>(Topics.BUDGET_STATE, GHOST.getBytes(StandardCharsets.UTF_8), BudgetRig.codec.encode(ghost))).get();
        service = new BudgetService(config, clients, db, null, BudgetSettings.defaults()
                .withConsumerGroup("state-it-" + UUID.randomUUID()).withStateInterval(Duration.ofMinutes(10)));
        service.start();
        probe = new StateProbe(clients);
    }

    @AfterAll
    static void stop() {
        probe.close();
        producer.close();
        service.close();
    }

    @Test
    void start_publishes_every_budget_and_a_tombstone_for_one_that_no_longer_exists() {
        BudgetState team = probe.awaitLatest(TEAM, s -> s != null);
        assertThat(team.schemaVersion()).isEqualTo(BudgetState.SCHEMA_VERSION);
        assertThat(team.scope()).isEqualTo("tenant");
        assertThat(team.scopeValue()).isEqualTo("team-a");
        assertThat(team.period()).isEqualTo("daily");
        assertThat(team.action()).isEqualTo("reject");
        assertThat(team.limitUsd()).isEqualByComparingTo("1.00");
        assertThat(team.alertAt()).containsExactly(50, 80, 100);
        assertThat(team.source()).isEqualTo("config");
        assertThat(team.windowStart()).isEqualTo(BudgetPeriod.DAILY.windowStart(team.updatedAt()));
        assertThat(team.resetsAt()).isEqualTo(team.windowStart().plus(Duration.ofDays(1)));
        BudgetState all = probe.awaitLatest(ALL, s -> s != null);
        assertThat(all.windowStart()).isEqualTo(Instant.EPOCH);
        assertThat(all.resetsAt()).isNull();
        assertThat(all.alertAt()).containsExactly(90);
        probe.awaitLatest(GHOST, s -> s == null);
    }

    @Test
    void after_a_settlement_the_latest_state_shows_the_new_spend() throws Exception {
        String job = "state-job-" + UUID.randomUUID();
        BudgetRig.reserve(db, job, ALL, Instant.EPOCH, "0.5");
        BudgetRig.produce(producer, null, BudgetRig.succeeded(job, "state-tenant", "0.123456789012"));
        BudgetState settled = probe.awaitLatest(ALL, s -> s != null && s.spent().signum() > 0);
        assertThat(settled.spent()).isEqualByComparingTo("0.123456789012");
        assertThat(settled.reserved()).isEqualByComparingTo("0");
        assertThat(BudgetRig.window(db, ALL, Instant.EPOCH)[0]).isEqualByComparingTo(settled.spent());
    }
}
