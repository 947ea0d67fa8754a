package dev.railyard.budget.state;

import dev.railyard.schema.db.Transactions;
import dev.railyard.budget.alert.AlertRecorder;
import dev.railyard.budget.alert.Observation;
import dev.railyard.budget.catalog.Budget;
import dev.railyard.budget.catalog.BudgetCatalog;
import dev.railyard.budget.report.BudgetReport;
import dev.railyard.budget.report.BudgetStatus;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes budgets' current state to the compacted topic {@code railyard.budget.state} (key: budget id; a tombstone for an
 * id that is no longer a budget) and waits for Kafka's acknowledgement. Each budget is published under a PostgreSQL
 * advisory lock on its id, held from reading its definition and window until the record is acknowledged; the admin API
 * changes a budget under the same lock. So records for one budget reach the topic in the order the database saw them, and
 * the latest one always reflects the latest committed definition, whichever process (admin API, any budget-service
 * instance) wrote it. While it looks at each window it also records the alert thresholds the window has reached.
 */
public final class BudgetStatePublisher {
    /** The advisory lock class of budget ids ("Budg"), so they cannot collide with other users of advisory locks. */
    private static final int LOCK_CLASS = 0x42756467;
    private static final int CHUNK = 100;

    /** What one publication wrote: the budgets that exist, and how many new alerts wait for delivery. */
    public record Published(List<BudgetStatus> statuses, int alertsScheduled) {
    }

    private final Producer<byte[], byte[]> producer;
    private final EventCodec codec;
    private final BudgetCatalog catalog;
    private final AlertRecorder alerts;
    private final Clock clock;
    private final Duration ackTimeout;

    public BudgetStatePublisher(Producer<byte[], byte[]> producer, EventCodec codec, BudgetCatalog catalog, AlertRecorder alerts,
                                Clock clock, Duration ackTimeout) {
        this.producer = producer;
        this.codec = codec;
        this.catalog = catalog;
        this.alerts = alerts;
        this.clock = clock;
        this.ackTimeout = ackTimeout;
    }

    /** Takes the budgets' publication locks in the caller's transaction (released when it ends), in one order. */
    public static void lock(Connection c, Collection<String> ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pg_advisory_xact_lock(?, hashtext(?))")) {
            for (String id : new TreeSet<>(ids)) {
                ps.setInt(1, LOCK_CLASS);
                ps.setString(2, id);
                ps.executeQuery().close();
            }
        }
    }

    /**
     * Publishes {@code ids} in the caller's transaction: locks them, reads their definitions and current windows, sends a
     * state record per budget and a tombstone per id that is none, waits for the acknowledgements, and records reached
     * thresholds. The caller commits afterwards (releasing the locks). Throws {@link StatePublishException} when Kafka does
     * not acknowledge; the caller should then roll back.
     */
    public Published publish(Connection c, Collection<String> ids) throws SQLException {
        lock(c, ids);
        Instant now = clock.instant();
        Map<String, Budget> found = catalog.find(c, new TreeSet<>(ids));
        List<BudgetStatus> statuses = BudgetReport.windows(c, found.values(), now);
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        try {
            for (BudgetStatus s : statuses) {
                sends.add(producer.send(record(s.spec().id(), codec.encode(s.state(now)))));
            }
            for (String id : new TreeSet<>(ids)) {
                if (!found.containsKey(id)) {
                    sends.add(producer.send(record(id, null)));
                }
            }
        } catch (RuntimeException e) { // a closed producer, or a record it will not take
            throw new StatePublishException("budget state could not be sent: " + e, e);
        }
        awaitAcks(sends);
        List<Observation> observed = statuses.stream().map(s -> new Observation(s.budget(), s.windowStart(), s.spent())).toList();
        return new Published(statuses, alerts.record(c, observed));
    }

    /** Publishes {@code ids} in transactions of up to 100 budgets each; returns how many new alerts wait for delivery. */
    public int publish(DataSource dataSource, Collection<String> ids) throws SQLException {
        List<String> sorted = new ArrayList<>(new TreeSet<>(ids));
        int scheduled = 0;
        for (int from = 0; from < sorted.size(); from += CHUNK) {
            List<String> chunk = sorted.subList(from, Math.min(sorted.size(), from + CHUNK));
            try (Connection c = dataSource.getConnection()) {
                scheduled += Transactions.inTransaction(c, tx -> publish(tx, chunk)).alertsScheduled();
            }
        }
        return scheduled;
    }

    private static ProducerRecord<byte[], byte[]> record(String id, byte[] value) {
        return new ProducerRecord<>(Topics.BUDGET_STATE, id.getBytes(StandardCharsets.UTF_8), value);
    }

    private void awaitAcks(List<Future<RecordMetadata>> sends) {
        long deadline = System.nanoTime() + ackTimeout.toNanos();
        try {
            for (Future<RecordMetadata> f : sends) {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException e) {
            throw new StatePublishException("Kafka refused budget state: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new StatePublishException("Kafka did not acknowledge budget state within " + ackTimeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StatePublishException("interrupted while waiting for Kafka to acknowledge budget state", e);
        }
    }
}
