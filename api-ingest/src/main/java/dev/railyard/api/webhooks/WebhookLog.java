package dev.railyard.api.webhooks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** A tenant's webhook events with their delivery attempts, as {@code /v1/webhooks/events} shows them. Blocking. */
final class WebhookLog {
    private static final String COLUMNS = """
            id, type, subject_id, batch_id, url, payload, created_at, next_attempt_at, delivered_at, last_status,
            last_error, gave_up_at""";

    /** One event; {@code log} is its attempts in order. */
    record StoredEvent(String id, String type, String subjectId, String batchId, String url, String payload, Instant createdAt,
                       Instant nextAttemptAt, Instant deliveredAt, Integer lastStatus, String lastError, Instant gaveUpAt,
                       List<StoredAttempt> log) {

        /** {@code pending} while another attempt is due, {@code delivered}, or {@code failed} once given up. */
        String status() {
            return nextAttemptAt != null ? "pending" : deliveredAt != null ? "delivered" : gaveUpAt != null ? "failed" : "pending";
        }

        StoredEvent withLog(List<StoredAttempt> attempts) {
            return new StoredEvent(id, type, subjectId, batchId, url, payload, createdAt, nextAttemptAt, deliveredAt,
                    lastStatus, lastError, gaveUpAt, attempts);
        }
    }

    /** @param httpStatus null when there was no answer; {@code error} null when delivered */
    record StoredAttempt(int attempt, Instant at, Integer httpStatus, String error, long durationMs) {
    }

    private final DataSource dataSource;

    WebhookLog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Newest first.
     *
     * @param subjectId only the events of this job or batch, or null
     * @param batchId   only the events of this batch and its jobs, or null
     * @param after     the last event id of the previous page, or null
     */
    List<StoredEvent> list(String tenant, String subjectId, String batchId, String after, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("select ").append(COLUMNS).append(" from webhook_events where tenant = ?");
        List<Object> args = new ArrayList<>(List.of(tenant));
        if (subjectId != null) {
            sql.append(" and subject_id = ?");
            args.add(subjectId);
        }
        if (batchId != null) {
            sql.append(" and batch_id = ?");
            args.add(batchId);
        }
        if (after != null) {
            sql.append(" and (created_at, id) < (select created_at, id from webhook_events where id = ? and tenant = ?)");
            args.add(after);
            args.add(tenant);
        }
        sql.append(" order by created_at desc, id desc limit ?");
        args.add(limit);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<StoredEvent> events = read(ps);
            return withAttempts(c, events);
        }
    }

    Optional<StoredEvent> find(String tenant, String id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from webhook_events where id = ? and tenant = ?")) {
            ps.setString(1, id);
            ps.setString(2, tenant);
            return withAttempts(c, read(ps)).stream().findFirst();
        }
    }

    boolean exists(String tenant, String id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select 1 from webhook_events where id = ? and tenant = ?")) {
            ps.setString(1, id);
            ps.setString(2, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Makes the event due now (one more attempt, even after it was delivered or given up). @return false: no such event */
    boolean retryNow(String tenant, String id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "update webhook_events set next_attempt_at = now(), gave_up_at = null where id = ? and tenant = ?")) {
            ps.setString(1, id);
            ps.setString(2, tenant);
            return ps.executeUpdate() == 1;
        }
    }

    private static List<StoredEvent> read(PreparedStatement ps) throws SQLException {
        List<StoredEvent> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                int status = rs.getInt(10);
                Integer lastStatus = rs.wasNull() ? null : status;
                out.add(new StoredEvent(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), instant(rs, 7), instant(rs, 8), instant(rs, 9), lastStatus,
                        rs.getString(11), instant(rs, 12), List.of()));
            }
        }
        return out;
    }

    private static List<StoredEvent> withAttempts(Connection c, List<StoredEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return events;
        }
        Map<String, List<StoredAttempt>> attempts = new LinkedHashMap<>();
        events.forEach(e -> attempts.put(e.id(), new ArrayList<>()));
        try (PreparedStatement ps = c.prepareStatement("""
                select event_id, attempt, attempted_at, http_status, error, duration_ms from webhook_attempts
                where event_id = any(?) order by event_id, attempt""")) {
            ps.setArray(1, c.createArrayOf("text", attempts.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int status = rs.getInt(4);
                    Integer httpStatus = rs.wasNull() ? null : status;
                    attempts.get(rs.getString(1)).add(new StoredAttempt(rs.getInt(2), instant(rs, 3), httpStatus, rs.getString(5), rs.getLong(6)));
                }
            }
        }
        return events.stream().map(e -> e.withLog(List.copyOf(attempts.get(e.id())))).toList();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
