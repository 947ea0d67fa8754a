package dev.railyard.router.budget;

import dev.railyard.config.BudgetPeriod;
import dev.railyard.config.BudgetSpec;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.event.BudgetState;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The budgets the router enforces: the configured ones, overlaid by the compacted {@code railyard.budget.state}
 * (a record replaces its budget's definition, a tombstone removes the budget), so budget changes apply without
 * a restart. Also keeps the latest published state (spent, reserved, window) per budget for the
 * {@link DeferralRelease}. Records arrive through {@link #apply} (from a {@link BudgetStateReader}); readers see
 * an immutable snapshot swapped once per applied batch, so lookups on the routing path never lock.
 */
public final class BudgetBook {
    private static final Logger log = LoggerFactory.getLogger(BudgetBook.class);

    private record Snapshot(List<BudgetSpec> budgets, Map<String, BudgetSpec> byId, Map<String, BudgetState> states) {
    }

    private final EventCodec codec = new EventCodec();
    // Mutated only inside apply (synchronized); published as copies.
    private final Map<String, BudgetSpec> definitions = new LinkedHashMap<>();
    private final Map<String, BudgetState> states = new LinkedHashMap<>();
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();

    /** @param seed the configured budgets ({@code config.budgets()}), in configuration order */
    public BudgetBook(List<BudgetSpec> seed) {
        seed.forEach(b -> definitions.put(b.id(), b));
        publish();
    }

    /** Every budget, configured ones first in configuration order, then those first seen on the topic. */
    public List<BudgetSpec> budgets() {
        return snapshot.get().budgets();
    }

    public Optional<BudgetSpec> budget(String id) {
        return Optional.ofNullable(snapshot.get().byId().get(id));
    }

    /** The budgets a job described by {@code subject} counts against. */
    public List<BudgetSpec> budgetsFor(BudgetSpec.Subject subject) {
        return snapshot.get().budgets().stream().filter(b -> b.appliesTo(subject)).toList();
    }

    /** The latest state the budget service published for a budget, if any (none for a configured budget not yet published). */
    public Optional<BudgetState> state(String id) {
        return Optional.ofNullable(snapshot.get().states().get(id));
    }

    /**
     * Takes records of the budget state topic, in offset order. A record that cannot be read, or holds invalid
     * values, is logged and skipped (the budget keeps its previous definition): one bad record must not stop the reader.
     */
    public synchronized void apply(List<ConsumerRecord<byte[], byte[]>> records) {
        if (records.isEmpty()) {
            return;
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                take(r);
            } catch (RuntimeException e) {
                log.warn("skipped budget state record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            }
        }
        publish();
    }

    private void take(ConsumerRecord<byte[], byte[]> r) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        if (r.value() == null) {
            if (key == null) {
                throw new IllegalArgumentException("a tombstone without a key");
            }
            definitions.remove(key);
            states.remove(key);
            return;
        }
        BudgetState state = codec.decode(r.value(), BudgetState.class);
        String id = state.budgetId() != null ? state.budgetId() : key;
        if (id == null || (key != null && !key.equals(id))) {
            throw new IllegalArgumentException("key '" + key + "' does not match budget_id '" + state.budgetId() + "'");
        }
        definitions.put(id, spec(id, state));
        states.put(id, state);
    }

    private void publish() {
        snapshot.set(new Snapshot(List.copyOf(definitions.values()), Map.copyOf(definitions), Map.copyOf(states)));
    }

    /**
     * The budget a published state defines.
     *
     * @throws IllegalArgumentException when a field is missing or holds an unknown or invalid value
     */
    static BudgetSpec spec(String id, BudgetState s) {
        String value = s.scopeValue() == null || s.scopeValue().isBlank() ? null : s.scopeValue();
        return new BudgetSpec(id, choice(s.scope(), "scope", BudgetSpec.Scope.class), value,
                choice(s.period(), "period", BudgetPeriod.class), require(s.limitUsd(), "limit_usd"),
                choice(s.action(), "action", BudgetSpec.Action.class), s.alertAt(), s.alertWebhook());
    }

    private static <E extends Enum<E>> E choice(String code, String field, Class<E> type) {
        require(code, field);
        try {
            return Enum.valueOf(type, code.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown " + field + " '" + code + "'");
        }
    }

    private static <T> T require(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return value;
    }
}
