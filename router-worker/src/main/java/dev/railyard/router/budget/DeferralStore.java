package dev.railyard.router.budget;

import dev.railyard.schema.db.Transactions;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The held jobs in {@code budget_deferrals}, as {@link DeferralRelease} takes them: a batch of rows is locked
 * ({@code for update skip locked}, so another router skips them) and deleted, handed to a publisher, and the
 * transaction commits only when the publisher returns; when it throws, the rows stay held.
 */
public final class DeferralStore {
    static final int BATCH = 500;

    static final String GROUPS = """
            select budget_id, window_start, limit_at_deferral from budget_deferrals
            group by budget_id, window_start, limit_at_deferral""";
    static final String EXPIRED = """
            select job_id, budget_id, amount, job::text, record_key, tenant_header from budget_deferrals
            where deadline <= ? order by deadline, job_id limit ? for update skip locked""";
    static final String OF_GROUP = """
            select job_id, budget_id, amount, job::text, record_key, tenant_header from budget_deferrals
            where budget_id = ? and window_start = ? and limit_at_deferral = ? and deferred_at < ?
            order by deferred_at, job_id limit ? for update skip locked""";
    static final String DELETE = "delete from budget_deferrals where job_id = any(?)";
    static final String COUNT = "select count(*) from budget_deferrals";

    /** A held job: its submitted record (value, key, tenant header) and what it was held for. */
    public record Held(String jobId, String budgetId, BigDecimal amount, byte[] job, byte[] recordKey, String tenant) {
    }

    /** Held jobs that share a budget, a window and the limit they were held at: released together. */
    public record Group(String budgetId, Instant windowStart, BigDecimal limitAtDeferral) {
    }

    private final DataSource dataSource;

    public DeferralStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public List<Group> groups() throws SQLException {
        List<Group> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(GROUPS);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Group(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getBigDecimal(3)));
            }
        }
        return out;
    }

    /** Takes up to {@link #BATCH} held jobs whose deadline is at or before {@code now}. */
    public List<Held> takeExpired(Instant now, Consumer<List<Held>> publisher) throws SQLException {
        return take(EXPIRED, ps -> {
            ps.setObject(1, utc(now), Types.TIMESTAMP_WITH_TIMEZONE);
            ps.setInt(2, BATCH);
        }, null, publisher);
    }

    /**
     * Takes up to {@link #BATCH} jobs of a group, oldest first.
     *
     * @param heldBefore only jobs held before this instant, or null for all
     * @param room       only the oldest jobs whose amounts add up to at most this, or null for no bound
     */
    public List<Held> take(Group g, Instant heldBefore, BigDecimal room, Consumer<List<Held>> publisher) throws SQLException {
        return take(OF_GROUP, ps -> {
            ps.setString(1, g.budgetId());
            ps.setObject(2, utc(g.windowStart()), Types.TIMESTAMP_WITH_TIMEZONE);
            ps.setBigDecimal(3, g.limitAtDeferral());
            ps.setObject(4, utc(heldBefore == null ? Instant.parse("9999-01-01T00:00:00Z") : heldBefore), Types.TIMESTAMP_WITH_TIMEZONE);
            ps.setInt(5, BATCH);
        }, room, publisher);
    }

    public long count() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(COUNT);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private List<Held> take(String select, Binder binder, BigDecimal room, Consumer<List<Held>> publisher) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return Transactions.inTransaction(c, tx -> {
                List<Held> rows = lock(tx, select, binder, room);
                if (rows.isEmpty()) {
                    return rows;
                }
                // Deleted before publishing (committed after): a router holding the job again right after its release
                // waits for this transaction instead of finding the old row and adding nothing.
                try (PreparedStatement delete = tx.prepareStatement(DELETE)) {
                    Array ids = tx.createArrayOf("text", rows.stream().map(Held::jobId).toArray());
                    delete.setArray(1, ids);
                    delete.executeUpdate();
                }
                publisher.accept(rows);
                return rows;
            });
        }
    }

    private static List<Held> lock(Connection c, String select, Binder binder, BigDecimal room) throws SQLException {
        List<Held> rows = new ArrayList<>();
        BigDecimal taken = BigDecimal.ZERO;
        try (PreparedStatement ps = c.prepareStatement(select)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    BigDecimal amount = rs.getBigDecimal(3);
                    if (room != null && taken.add(amount).compareTo(room) > 0) {
                        break; // oldest first: a later, smaller job does not jump the queue
                    }
                    taken = taken.add(amount);
                    rows.add(new Held(rs.getString(1), rs.getString(2), amount, rs.getString(4).getBytes(StandardCharsets.UTF_8),
                            rs.getBytes(5), rs.getString(6)));
                }
            }
        }
        return rows;
    }

    private static OffsetDateTime utc(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
