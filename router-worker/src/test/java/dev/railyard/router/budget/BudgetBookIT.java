package dev.railyard.router.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.BudgetPeriod;
import dev.railyard.config.BudgetSpec;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.BudgetState;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The budget book fed from the real compacted budget state topic. */
@ExtendWith(SharedInfrastructure.class)
class BudgetBookIT {
    final EventCodec codec = new EventCodec();
    KafkaClients clients;
    KafkaProducer<byte[], byte[]> producer;
    String prefix;

    @BeforeEach
    void setUp(SharedInfrastructure.Servers servers) {
        clients = new KafkaClients(servers.bootstrapServers());
        new TopicSetup(clients, 4, (short) 1).ensure(List.of("openai"));
        producer = clients.producer("budget-book-it");
        prefix = "book-it-" + UUID.randomUUID().toString().substring(0, 8) + "-"; // the topic is shared by every test
    }

    @AfterEach
    void tearDown() throws Exception {
        // Other tests read the whole topic: leave none of this test's budgets behind.
        for (String id : List.of(prefix + "cfg", prefix + "api")) {
            send(id, null);
        }
        producer.close();
    }

    void send(String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(Topics.BUDGET_STATE, key.getBytes(StandardCharsets.UTF_8), value)).get();
    }

    void publish(BudgetState state) throws Exception {
        send(state.budgetId(), codec.encode(state));
    }

    static BudgetState state(String id, String scope, String value, String action, String limit) {
        Instant window = Instant.parse("2026-03-15T00:00:00Z");
        return new BudgetState(BudgetState.SCHEMA_VERSION, id, scope, value, "daily", action, new BigDecimal(limit),
                List.of(50, 80, 100), null, "api", window, window.plus(Duration.ofDays(1)), new BigDecimal("0.10"),
                BigDecimal.ZERO, Instant.now());
    }

    @Test
    void configured_budgets_are_overlaid_by_topic_records_and_tombstones_and_garbage_is_skipped() throws Exception {
        BudgetSpec configured = new BudgetSpec(prefix + "cfg", BudgetSpec.Scope.TENANT, "acme", BudgetPeriod.DAILY,
                new BigDecimal("1.00"), BudgetSpec.Action.REJECT);
        BudgetBook book = new BudgetBook(List.of(configured));
        try (BudgetStateReader reader = new BudgetStateReader(clients, book).start()) {
            reader.awaitCaughtUp(Duration.ofSeconds(60));
            assertThat(book.budget(configured.id())).hasValue(configured);

            send(prefix + "garbage", "not json".getBytes(StandardCharsets.UTF_8));
            publish(state(prefix + "cfg", "tenant", "acme", "reject", "2.50"));
            publish(state(prefix + "api", "api_key", "key_abc", "defer", "0.75"));
            Eventually.await("the api budget appears", () -> book.budget(prefix + "api").isPresent());
            assertThat(book.budget(prefix + "cfg").orElseThrow().limitUsd()).isEqualByComparingTo("2.50");
            assertThat(book.budget(prefix + "api")).hasValue(new BudgetSpec(prefix + "api", BudgetSpec.Scope.API_KEY, "key_abc",
                    BudgetPeriod.DAILY, new BigDecimal("0.75"), BudgetSpec.Action.DEFER));
            assertThat(book.state(prefix + "api").orElseThrow().spent()).isEqualByComparingTo("0.10");
            assertThat(book.budget(prefix + "garbage")).isEmpty();
            assertThat(book.budgetsFor(new BudgetSpec.Subject("acme", "key_abc", null, List.of(), "m", "p")))
                    .extracting(BudgetSpec::id).contains(prefix + "cfg", prefix + "api");

            send(prefix + "api", null);
            Eventually.await("the api budget is removed", () -> book.budget(prefix + "api").isEmpty());
            assertThat(book.state(prefix + "api")).isEmpty();
        }

        // A router starting now reads the topic to its end before it routes: the override holds, the deleted budget is gone.
        BudgetBook restarted = new BudgetBook(List.of(configured));
        try (BudgetStateReader reader = new BudgetStateReader(clients, restarted).start()) {
            reader.awaitCaughtUp(Duration.ofSeconds(60));
            assertThat(restarted.budget(prefix + "cfg").orElseThrow().limitUsd()).isEqualByComparingTo("2.50");
            assertThat(restarted.budget(prefix + "api")).isEmpty();
            assertThat(restarted.budget(prefix + "garbage")).isEmpty();
        }
    }

    @Test
    void a_reader_of_a_topic_it_cannot_reach_fails_its_catch_up_wait_instead_of_routing_blind() {
        BudgetBook book = new BudgetBook(List.of());
        // Port 1 on the loopback: nothing listens, so the end offsets are never read.
        KafkaClients nowhere = new KafkaClients("127.0.0.1:1", "it", java.util.Map.of("reconnect.backoff.max.ms", "200"));
        try (BudgetStateReader reader = new BudgetStateReader(nowhere, book).start()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> reader.awaitCaughtUp(Duration.ofMillis(500)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining(Topics.BUDGET_STATE);
        }
    }
}
