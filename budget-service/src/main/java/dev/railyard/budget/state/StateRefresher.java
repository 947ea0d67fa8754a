package dev.railyard.budget.state;

import dev.railyard.budget.catalog.Budget;
import dev.railyard.budget.catalog.BudgetCatalog;
import dev.railyard.kafka.KafkaClients;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the budget state topic current, on its own thread, never on the ledger's: at start it publishes every budget
 * (and a tombstone for every budget the topic holds that no longer exists, e.g. one removed from railyard.yaml); after a
 * ledger transaction commits it publishes the budgets that transaction settled ({@link #changed}, coalesced: budgets
 * changed while a publication runs go out together in the next); and every {@code interval} it republishes all, so a
 * window that rolled over shows. A failed publication is logged and its budgets go out with the next change or tick.
 */
public final class StateRefresher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StateRefresher.class);
    private static final Duration TOPIC_READ_TIMEOUT = Duration.ofSeconds(30);

    private final BudgetStatePublisher publisher;
    private final BudgetCatalog catalog;
    private final DataSource dataSource;
    private final KafkaClients clients;
    private final Duration interval;
    private final Runnable alertsScheduled;
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean queued = new AtomicBoolean();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("railyard-budget-state").daemon().factory());

    /**
     * @param clients         reads the topic at start, to find budgets that no longer exist
     * @param alertsScheduled told when a publication recorded alerts that wait for delivery
     */
    public StateRefresher(BudgetStatePublisher publisher, BudgetCatalog catalog, DataSource dataSource, KafkaClients clients,
                          Duration interval, Runnable alertsScheduled) {
        this.publisher = publisher;
        this.catalog = catalog;
        this.dataSource = dataSource;
        this.clients = clients;
        this.interval = interval;
        this.alertsScheduled = alertsScheduled;
    }

    public void start() {
        executor.execute(() -> run(true, true));
        executor.scheduleWithFixedDelay(() -> run(true, false), interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The budgets' windows moved: publish them soon. Never blocks. */
    public void changed(Collection<String> budgetIds) {
        dirty.addAll(budgetIds);
        if (queued.compareAndSet(false, true)) {
            try {
                executor.execute(() -> run(false, false));
            } catch (RejectedExecutionException e) {
                // stopping: the next start publishes everything
            }
        }
    }

    private void run(boolean everything, boolean sweep) {
        queued.set(false);
        Set<String> ids = new TreeSet<>();
        for (Iterator<String> it = dirty.iterator(); it.hasNext(); ) {
            ids.add(it.next());
            it.remove();
        }
        try {
            if (everything) {
                ids.addAll(allIds());
            }
            if (sweep) {
                ids.addAll(topicIds());
            }
            if (ids.isEmpty()) {
                return;
            }
            if (publisher.publish(dataSource, ids) > 0) {
                alertsScheduled.run();
            }
        } catch (SQLException | RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                return; // halted
            }
            dirty.addAll(ids);
            log.warn("budget state for {} budgets not published (retried on the next change or tick): {}", ids.size(), e.toString());
        }
    }

    private Set<String> allIds() throws SQLException {
        Set<String> ids = new TreeSet<>();
        try (Connection c = dataSource.getConnection()) {
            catalog.all(c).stream().map(Budget::id).forEach(ids::add);
        }
        return ids;
    }

    private Set<String> topicIds() {
        try {
            return StateTopicKeys.live(clients, TOPIC_READ_TIMEOUT);
        } catch (RuntimeException e) {
            log.warn("the budget state topic could not be read at start; budgets that no longer exist keep their last state: {}",
                    e.toString());
            return Set.of();
        }
    }

    /** Lets a publication in progress finish, then stops. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }

    /** A crash, for tests: stops at once. */
    public void halt() {
        executor.shutdownNow();
    }
}
