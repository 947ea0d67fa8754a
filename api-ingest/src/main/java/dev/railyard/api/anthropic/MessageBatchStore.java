package dev.railyard.api.anthropic;

import dev.railyard.api.Ids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads the batches made through the Anthropic API (ids {@code msgbatch_…}, stored as ordinary batches) with their
 * jobs counted the way Anthropic counts requests. Blocking: call off the event loop.
 */
final class MessageBatchStore {
    private static final String SELECT = """
            select b.id, b.created_at, b.expires_at, b.cancelling_at,
                   c.processing, c.succeeded, c.errored, c.canceled, c.expired, c.last_finished
            from batches b
            cross join lateral (
                select count(*) filter (where j.state not in ('succeeded', 'failed', 'rejected', 'cancelled', 'expired')) as processing,
                       count(*) filter (where j.state = 'succeeded') as succeeded,
                       count(*) filter (where j.state in ('failed', 'rejected')) as errored,
                       count(*) filter (where j.state = 'cancelled') as canceled,
                       count(*) filter (where j.state = 'expired') as expired,
                       max(j.finished_at) as last_finished
                from jobs j where j.batch_id = b.id) c
            """;
    private static final String FIND = SELECT + " where b.tenant = ? and b.id = ?";
    private static final String PREFIX = " where b.tenant = ? and b.id like '" + Ids.MESSAGE_BATCH_PREFIX + "%'";
    private static final String FIRST = SELECT + PREFIX + " order by b.created_at desc, b.id desc limit ?";
    /** Older than the cursor: the page after it. */
    private static final String AFTER = SELECT + PREFIX + """
             and (b.created_at, b.id) < (select a.created_at, a.id from batches a where a.id = ? and a.tenant = ?)
             order by b.created_at desc, b.id desc limit ?""";
    /** Newer than the cursor, nearest first: the page before it (reversed by the caller). */
    private static final String BEFORE = SELECT + PREFIX + """
             and (b.created_at, b.id) > (select a.created_at, a.id from batches a where a.id = ? and a.tenant = ?)
             order by b.created_at asc, b.id asc limit ?""";

    private final DataSource dataSource;

    MessageBatchStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** One row of {@code batches} with its request counts. */
    record Row(String id, Instant createdAt, Instant expiresAt, Instant cancellingAt, long processing, long succeeded,
               long errored, long canceled, long expired, Instant lastFinishedAt) {
    }

    Optional<Row> find(String tenant, String id) throws SQLException {
        if (!id.startsWith(Ids.MESSAGE_BATCH_PREFIX)) {
            return Optional.empty();
        }
        List<Row> rows = query(FIND, tenant, id, null);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /**
     * Newest first. With {@code afterId}, the batches older than it; with {@code beforeId}, the ones newer than it (the
     * nearest {@code limit}, still newest first).
     */
    List<Row> list(String tenant, String beforeId, String afterId, int limit) throws SQLException {
        if (beforeId != null) {
            List<Row> rows = new ArrayList<>(query(BEFORE, tenant, beforeId, limit));
            java.util.Collections.reverse(rows);
            return rows;
        }
        return afterId != null ? query(AFTER, tenant, afterId, limit) : query(FIRST, tenant, null, limit);
    }

    private List<Row> query(String sql, String tenant, String id, Integer limit) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, tenant);
            if (id != null) {
                ps.setString(i++, id);
                if (limit != null) {
                    ps.setString(i++, tenant);
                }
            }
            if (limit != null) {
                ps.setInt(i, limit);
            }
            List<Row> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getString(1), instant(rs, 2), instant(rs, 3), instant(rs, 4), rs.getLong(5),
                            rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), instant(rs, 10)));
                }
            }
            return out;
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }
}
