package dev.railyard.router.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.BudgetPeriod;
import dev.railyard.config.BudgetSpec;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.BudgetState;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The budget book as records of the budget state topic change it (the reader's Kafka side is in BudgetBookIT). */
class BudgetBookTest {
    final EventCodec codec = new EventCodec();
    long offset;

    static final BudgetSpec CONFIGURED = new BudgetSpec("team-a", BudgetSpec.Scope.TENANT, "a", BudgetPeriod.DAILY,
            new BigDecimal("1.00"), BudgetSpec.Action.REJECT);

    static BudgetState state(String id, String scope, String value, String period, String action, String limit) {
        return new BudgetState(BudgetState.SCHEMA_VERSION, id, scope, value, period, action,
                limit == null ? null : new BigDecimal(limit), List.of(50, 80), null, "api",
                Instant.parse("2026-03-15T00:00:00Z"), Instant.parse("2026-03-16T00:00:00Z"),
                new BigDecimal("0.25"), new BigDecimal("0.10"), Instant.parse("2026-03-15T10:00:00Z"));
    }

    ConsumerRecord<byte[], byte[]> record(String key, byte[] value) {
        return new ConsumerRecord<>(Topics.BUDGET_STATE, 0, offset++, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    ConsumerRecord<byte[], byte[]> record(BudgetState s) {
        return record(s.budgetId(), codec.encode(s));
    }

    @Test
    void a_record_replaces_a_configured_budget_and_a_new_one_is_added_after_the_configured_ones() {
        BudgetBook book = new BudgetBook(List.of(CONFIGURED));
        assertThat(book.budgets()).containsExactly(CONFIGURED);
        assertThat(book.state("team-a")).isEmpty();

        book.apply(List.of(record(state("team-a", "tenant", "a", "daily", "defer", "2.50")),
                record(state("key-x", "api_key", "key_x", "monthly", "warn", "10"))));

        assertThat(book.budgets()).extracting(BudgetSpec::id).containsExactly("team-a", "key-x");
        assertThat(book.budget("team-a")).hasValue(new BudgetSpec("team-a", BudgetSpec.Scope.TENANT, "a", BudgetPeriod.DAILY,
                new BigDecimal("2.50"), BudgetSpec.Action.DEFER, List.of(50, 80), null));
        assertThat(book.budget("key-x").orElseThrow().scope()).isEqualTo(BudgetSpec.Scope.API_KEY);
        assertThat(book.state("team-a").orElseThrow().spent()).isEqualByComparingTo("0.25");
        assertThat(book.budgetsFor(new BudgetSpec.Subject("a", "key_x", null, List.of(), "m", "p")))
                .extracting(BudgetSpec::id).containsExactly("team-a", "key-x");
    }

    @Test
    void a_tombstone_removes_a_budget_configured_or_not() {
        BudgetBook book = new BudgetBook(List.of(CONFIGURED));
        book.apply(List.of(record(state("g", "global", null, "total", "reject", "5"))));
        book.apply(List.of(record("team-a", null), record("g", null), record("never-seen", null)));
        assertThat(book.budgets()).isEmpty();
        assertThat(book.state("g")).isEmpty();
    }

    @Test
    void records_that_do_not_parse_or_hold_invalid_values_are_skipped_and_the_rest_of_the_batch_applies() {
        BudgetBook book = new BudgetBook(List.of(CONFIGURED));
        book.apply(List.of(
                record("team-a", "not json".getBytes(StandardCharsets.UTF_8)),
                record(state("team-a", "team", "a", "daily", "reject", "9")),            // unknown scope
                record(state("team-a", "tenant", "a", "yearly", "reject", "9")),         // unknown period
                record(state("team-a", "tenant", "a", "daily", "hold", "9")),            // unknown action
                record(state("team-a", "tenant", "a", "daily", "reject", "-1")),         // negative limit
                record(state("team-a", "tenant", "a", "daily", "reject", null)),         // no limit
                record(state("team-a", "tenant", null, "daily", "reject", "9")),         // tenant scope without a tenant
                record("team-b", codec.encode(state("team-a", "tenant", "a", "daily", "reject", "9"))), // key and id disagree
                record(null, null),                                                      // tombstone without a key
                record(state("ok", "tag", "nightly", "hourly", "defer", "3"))));
        assertThat(book.budgets()).containsExactly(CONFIGURED, new BudgetSpec("ok", BudgetSpec.Scope.TAG, "nightly",
                BudgetPeriod.HOURLY, new BigDecimal("3"), BudgetSpec.Action.DEFER, List.of(50, 80), null));
    }

    @Test
    void a_global_budget_may_carry_a_blank_scope_value_and_missing_alert_thresholds_take_the_defaults() {
        BudgetBook book = new BudgetBook(List.of());
        BudgetState s = new BudgetState(1, "g", "global", "", "weekly", "warn", BigDecimal.TEN, null, "https://hooks.example.com/b",
                "config", null, null, null, null, null);
        book.apply(List.of(record(s)));
        assertThat(book.budget("g")).hasValue(new BudgetSpec("g", BudgetSpec.Scope.GLOBAL, null, BudgetPeriod.WEEKLY, BigDecimal.TEN,
                BudgetSpec.Action.WARN, BudgetSpec.DEFAULT_ALERT_AT, "https://hooks.example.com/b"));
    }
}
