package dev.railyard.api.stats;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Reads the time series of {@code GET /v1/stats} from the jobs table. Blocking: call off the event loop. */
public final class StatsStore {
    // Every bucket is present (empty ones as zeros), so a chart has no gaps to guess about.
    private static final String SERIES = """
            with buckets as (select generate_series(0, ?::int - 1) as n),
            done as (
                select floor(extract(epoch from (finished_at - ?::timestamptz)) / ?::int)::int as n, state, latency_ms, cost,
                       coalesce(prompt_tokens, 0) + coalesce(completion_tokens, 0) as tokens
                from jobs where tenant = ? and finished_at >= ? and finished_at < ?),
            finished as (
                select n, count(*) filter (where state = 'succeeded') as succeeded,
                       count(*) filter (where state <> 'succeeded') as failed,
                       percentile_cont(0.5) within group (order by latency_ms) as p50,
                       percentile_cont(0.95) within group (order by latency_ms) as p95,
                       coalesce(sum(cost), 0) as cost, coalesce(sum(tokens), 0) as tokens
                from done group by n),
            submitted as (
                select floor(extract(epoch from (created_at - ?::timestamptz)) / ?::int)::int as n, count(*) as submitted
                from jobs where tenant = ? and created_at >= ? and created_at < ? group by 1)
            select b.n, coalesce(s.submitted, 0), coalesce(f.succeeded, 0), coalesce(f.failed, 0), f.p50, f.p95,
                   coalesce(f.cost, 0), coalesce(f.tokens, 0)
            from buckets b left join finished f on f.n = b.n left join submitted s on s.n = b.n
            order by b.n""";

    private final DataSource dataSource;

    public StatsStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public List<StatsBucket> series(StatsQuery q, Instant now) throws SQLException {
        Timestamp from = Timestamp.from(q.from(now));
        Timestamp to = Timestamp.from(q.to(now));
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SERIES)) {
            int i = 0;
            ps.setInt(++i, q.buckets());
            for (int part = 0; part < 2; part++) {
                ps.setTimestamp(++i, from);
                ps.setInt(++i, q.step());
                ps.setString(++i, q.tenant());
                ps.setTimestamp(++i, from);
                ps.setTimestamp(++i, to);
            }
            List<StatsBucket> out = new ArrayList<>(q.buckets());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant start = q.from(now).plusSeconds((long) rs.getInt(1) * q.step());
                    BigDecimal cost = rs.getBigDecimal(7);
                    out.add(new StatsBucket(start, rs.getLong(2), rs.getLong(3), rs.getLong(4),
                            rs.getObject(5, Double.class), rs.getObject(6, Double.class), cost, rs.getLong(8)));
                }
            }
            return out;
        }
    }
}
