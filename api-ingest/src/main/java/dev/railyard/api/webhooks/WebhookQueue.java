package dev.railyard.api.webhooks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The events due for delivery in {@code webhook_events}. Claiming counts the attempt and moves
 * {@code next_attempt_at} past a lease, under {@code for update skip locked}, so two api-ingest instances never send
 * the same event at once; if the claimer dies, the event is due again when the lease ends. Each outcome is written
 * with the attempt it belongs to, so an attempt whose lease ran out (and was claimed again) changes nothing.
 */
final class WebhookQueue {
    static final String CLAIM = """
            update webhook_events e set attempts = e.attempts + 1, next_attempt_at = now() + ? * interval '1 millisecond'
            from (select id from webhook_events where next_attempt_at <= now()
                  order by next_attempt_at limit ? for update skip locked) due
            where e.id = due.id
            returning e.id, e.tenant, e.url, e.payload, e.attempts,
                      (select t.webhook_secret from tenants t where t.id = e.tenant)""";
    static final String LOG_ATTEMPT = """
            insert into webhook_attempts (event_id, attempt, attempted_at, http_status, error, duration_ms)
            values (?, ?, ?, ?, ?, ?) on conflict (event_id, attempt) do nothing""";
    static final String DELIVERED = """
            update webhook_events set delivered_at = now(), next_attempt_at = null, gave_up_at = null,
                last_status = ?, last_error = null
            where id = ? and attempts = ?""";
    static final String RETRY = """
            update webhook_events set next_attempt_at = now() + ? * interval '1 millisecond', last_status = ?, last_error = ?
            where id = ? and attempts = ?""";
    static final String GIVE_UP = """
            update webhook_events set next_attempt_at = null, gave_up_at = now(), last_status = ?, last_error = ?
            where id = ? and attempts = ?""";

    /** An event claimed for one attempt ({@code attempt} counts from 1); {@code secret} null until the tenant has one. */
    record Due(String id, String tenant, String url, String payload, int attempt, String secret) {
        Due withSecret(String s) {
            return new Due(id, tenant, url, payload, attempt, s);
        }
    }

    /**
     * What one attempt came to.
     *
     * @param httpStatus the receiver's answer, or null when there was none
     * @param error      null when delivered
     */
    record Outcome(Instant at, Integer httpStatus, String error, long durationMs) {
        boolean delivered() {
            return error == null;
        }
    }

    private final DataSource dataSource;

    WebhookQueue(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    List<Due> claim(int max, Duration lease) throws SQLException {
        List<Due> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(CLAIM)) {
            ps.setLong(1, lease.toMillis());
            ps.setInt(2, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Due(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5), rs.getString(6)));
                }
            }
        }
        return out;
    }

    /**
     * Logs the attempt and moves the event on: delivered, due again after {@code retryAfter}, or given up.
     *
     * @param retryAfter the wait before the next attempt; null gives up (ignored when delivered)
     */
    void record(Due d, Outcome outcome, Duration retryAfter) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement log = c.prepareStatement(LOG_ATTEMPT)) {
                    log.setString(1, d.id());
                    log.setInt(2, d.attempt());
                    log.setObject(3, OffsetDateTime.ofInstant(outcome.at(), ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
                    log.setObject(4, outcome.httpStatus(), Types.INTEGER);
                    log.setString(5, outcome.error());
                    log.setLong(6, outcome.durationMs());
                    log.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(
                        outcome.delivered() ? DELIVERED : retryAfter == null ? GIVE_UP : RETRY)) {
                    int i = 1;
                    if (!outcome.delivered() && retryAfter != null) {
                        ps.setLong(i++, retryAfter.toMillis());
                    }
                    ps.setObject(i++, outcome.httpStatus(), Types.INTEGER);
                    if (!outcome.delivered()) {
                        ps.setString(i++, outcome.error());
                    }
                    ps.setString(i++, d.id());
                    ps.setInt(i, d.attempt()); // a lease that ran out was claimed again: that attempt owns the row now
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
