package dev.railyard.budget.alert;

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
 * The undelivered alerts in {@code budget_alerts}. A delivery is claimed with a lease: claiming counts the attempt and
 * moves {@code next_attempt_at} past the lease, under {@code for update skip locked}, so two budget-service instances
 * never send the same alert at once; if the claimer dies, the alert is due again when the lease ends.
 */
final class AlertQueue {
    static final String CLAIM = """
            update budget_alerts a set attempts = a.attempts + 1, next_attempt_at = now() + ? * interval '1 millisecond'
            from (select budget_id, window_start, threshold from budget_alerts
                  where next_attempt_at <= now() and delivered_at is null
                  order by next_attempt_at limit ? for update skip locked) due
            where a.budget_id = due.budget_id and a.window_start = due.window_start and a.threshold = due.threshold
            returning a.budget_id, a.window_start, a.threshold, a.webhook, a.payload, a.attempts""";
    static final String DELIVERED = """
            update budget_alerts set delivered_at = now(), next_attempt_at = null, last_error = null
            where budget_id = ? and window_start = ? and threshold = ? and delivered_at is null""";
    static final String FAILED = """
            update budget_alerts set last_error = ?,
                next_attempt_at = case when ? then null else now() + ? * interval '1 millisecond' end
            where budget_id = ? and window_start = ? and threshold = ? and attempts = ? and delivered_at is null""";

    /** An alert claimed for one delivery attempt ({@code attempt} counts from 1). */
    record Due(String budgetId, Instant windowStart, int threshold, String webhook, String payload, int attempt) {
        String eventId() {
            return AlertRecorder.eventId(budgetId, windowStart, threshold);
        }
    }

    private final DataSource dataSource;

    AlertQueue(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    List<Due> claim(int max, Duration lease) throws SQLException {
        List<Due> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(CLAIM)) {
            ps.setLong(1, lease.toMillis());
            ps.setInt(2, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Due(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getInt(3), rs.getString(4),
                            rs.getString(5), rs.getInt(6)));
                }
            }
        }
        return out;
    }

    void delivered(Due d) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DELIVERED)) {
            key(ps, 1, d);
            ps.executeUpdate();
        }
    }

    /** @param retryAfter the wait before the next attempt, or null to give up */
    void failed(Due d, String error, Duration retryAfter) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FAILED)) {
            ps.setString(1, error);
            ps.setBoolean(2, retryAfter == null);
            ps.setLong(3, retryAfter == null ? 0 : retryAfter.toMillis());
            key(ps, 4, d);
            ps.setInt(7, d.attempt()); // a lease that ran out was claimed again: that attempt owns the row now
            ps.executeUpdate();
        }
    }

    private static void key(PreparedStatement ps, int from, Due d) throws SQLException {
        ps.setString(from, d.budgetId());
        ps.setObject(from + 1, OffsetDateTime.ofInstant(d.windowStart(), ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
        ps.setInt(from + 2, d.threshold());
    }
}
