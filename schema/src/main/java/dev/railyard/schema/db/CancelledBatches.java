package dev.railyard.schema.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batches being cancelled ({@code POST /v1/batches/{id}/cancel}), as the router and the provider workers ask
 * before a job starts: a set held in memory, replaced every {@code refresh} from PostgreSQL on a daemon thread, so
 * the check on the hot path is one lookup. Only batches still cancelling are read (a partial index keeps that
 * cheap): once every job of a batch ended, none of its jobs can start any more.
 */
public final class CancelledBatches implements BatchCancellations, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CancelledBatches.class);
    private static final String SELECT = "select id from batches where cancelling_at is not null and finalized_at is null";

    private final DataSource dataSource;
    private final Duration refresh;
    private final ScheduledExecutorService timer;
    private final CountDownLatch loaded = new CountDownLatch(1);
    private volatile Set<String> ids = Set.of();

    public CancelledBatches(DataSource dataSource, Duration refresh) {
        this.dataSource = dataSource;
        this.refresh = refresh;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("railyard-cancelled-batches").daemon().factory());
    }

    /** Starts refreshing and waits (up to 10 s) for the first read, so no job starts before cancellations are known. */
    public CancelledBatches start() {
        timer.scheduleWithFixedDelay(this::refresh, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
        try {
            if (!loaded.await(10, TimeUnit.SECONDS)) {
                log.warn("cancelled batches not read within 10 s; continuing, they apply once read");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return this;
    }

    @Override
    public boolean cancelled(String batchId) {
        return batchId != null && ids.contains(batchId);
    }

    private void refresh() {
        try {
            ids = read();
            loaded.countDown();
        } catch (SQLException | RuntimeException e) {
            // Keep the last set: a cancellation read late only lets a few more jobs start.
            log.warn("reading cancelled batches failed, retrying: {}", e.toString());
        }
    }

    private Set<String> read() throws SQLException {
        Set<String> out = new HashSet<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SELECT);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return Set.copyOf(out);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
