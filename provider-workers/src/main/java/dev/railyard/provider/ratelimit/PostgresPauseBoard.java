package dev.railyard.provider.ratelimit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pauses in PostgreSQL ({@code rate_limit_pauses}), so a 429 seen by one worker holds the deployment for
 * all of them. The writer sees its pause at once; the others within one refresh interval, read by a
 * virtual thread so the question "is it paused?" never waits for the database.
 */
public final class PostgresPauseBoard implements PauseBoard {
    private static final Logger log = LoggerFactory.getLogger(PostgresPauseBoard.class);

    private final DataSource dataSource;
    private final Duration refresh;
    private final ConcurrentHashMap<String, Instant> pauses = new ConcurrentHashMap<>();
    private final Thread refresher;
    private volatile boolean running = true;

    public PostgresPauseBoard(DataSource dataSource, Duration refresh) {
        this.dataSource = dataSource;
        this.refresh = refresh;
        this.refresher = Thread.ofVirtual().name("railyard-pause-board").start(this::refreshLoop);
    }

    @Override
    public void pause(String scope, Instant until, String reason) {
        // Held here before the caller goes on: a job on another event loop must not slip in while the row is written.
        pauses.merge(scope, until, (a, b) -> a.isAfter(b) ? a : b);
        Thread.ofVirtual().name("railyard-pause-share").start(() -> share(scope, until, reason));
    }

    private void share(String scope, Instant until, String reason) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("""
                     insert into rate_limit_pauses (scope, paused_until, reason) values (?, ?, ?)
                     on conflict (scope) do update set
                       paused_until = greatest(rate_limit_pauses.paused_until, excluded.paused_until),
                       reason = case when excluded.paused_until > rate_limit_pauses.paused_until
                                     then excluded.reason else rate_limit_pauses.reason end,
                       updated_at = now()""")) {
            st.setString(1, scope);
            st.setTimestamp(2, Timestamp.from(until));
            st.setString(3, reason);
            st.executeUpdate();
        } catch (SQLException e) {
            // This worker still honours the pause; the others will meet the provider's 429 themselves.
            log.warn("could not share the pause of {} until {}: {}", scope, until, e.toString());
        }
    }

    @Override
    public Instant pausedUntil(String scope) {
        return pauses.getOrDefault(scope, Instant.EPOCH);
    }

    private void refreshLoop() {
        while (running) {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement st = c.prepareStatement(
                         "select scope, paused_until from rate_limit_pauses where paused_until > now() - interval '1 minute'");
                 ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Instant until = rs.getTimestamp(2).toInstant();
                    pauses.merge(rs.getString(1), until, (a, b) -> a.isAfter(b) ? a : b);
                }
            } catch (SQLException e) {
                log.debug("pause board refresh failed: {}", e.toString());
            }
            try {
                Thread.sleep(refresh);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        refresher.interrupt();
    }
}
