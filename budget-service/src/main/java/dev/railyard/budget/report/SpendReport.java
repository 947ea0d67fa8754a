package dev.railyard.budget.report;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Spend read from the ledger, grouped by any of {@link SpendDimension} and bucketed in time. The SQL is built
 * from the fixed fragments of {@link SpendDimension} and {@link SpendBucket}; every value is a parameter.
 * Blocking JDBC: call it off any event loop.
 */
public final class SpendReport {
    /** Ledger precision (numeric(24, 12)). */
    public static final int COST_SCALE = 12;

    /** A job's tags: {@code metadata.tags} split on commas (or a JSON array of them), trimmed, each once. */
    private static final String TAGS = """
             left join lateral (
               select distinct trim(tag) as tag
               from unnest(case when jsonb_typeof(j.metadata->'tags') = 'array'
                                then array(select jsonb_array_elements_text(j.metadata->'tags'))
                                else string_to_array(j.metadata->>'tags', ',') end) as tag
               where trim(tag) <> '') t on true""";

    private final DataSource dataSource;

    public SpendReport(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The rows of a query and the total spend in its range. */
    public record Table(List<SpendRow> rows, BigDecimal totalCost) {
        public Table {
            rows = List.copyOf(rows);
        }
    }

    /**
     * Spend per group (and bucket): buckets in time order, within one the most expensive group first. The
     * total is the ledger's spend in the query's range, read in the same snapshot; with {@code tag} it is
     * less than the rows' sum when jobs have several tags, since each such entry appears under every tag.
     */
    public Table query(SpendQuery q) {
        List<Object> params = new ArrayList<>();
        String where = where(q, params);
        boolean jobs = q.groupBy().stream().anyMatch(SpendDimension::needsJob);
        StringBuilder select = new StringBuilder("select ");
        List<String> keys = new ArrayList<>();
        if (q.bucket() != null) {
            keys.add(q.bucket().sql());
        }
        q.groupBy().forEach(d -> keys.add(d.sql()));
        select.append(String.join(", ", keys))
                .append(", count(*), sum(l.prompt_tokens), sum(l.completion_tokens), sum(l.cost),")
                .append(" count(*) filter (where l.estimated)")
                .append(" from spend_ledger l");
        if (jobs) {
            select.append(" left join jobs j on j.id = l.job_id");
        }
        if (q.groupBy().contains(SpendDimension.TAG)) {
            select.append(' ').append(TAGS);
        }
        select.append(where).append(" group by ");
        List<String> positions = new ArrayList<>();
        for (int i = 1; i <= keys.size(); i++) {
            positions.add(String.valueOf(i));
        }
        select.append(String.join(", ", positions)).append(" order by ");
        int first = 1;
        if (q.bucket() != null) {
            select.append("1, ");
            first = 2;
        }
        select.append("sum(l.cost) desc");
        for (int i = first; i <= keys.size(); i++) {
            select.append(", ").append(i).append(" nulls last");
        }
        String total = "select coalesce(sum(l.cost), 0) from spend_ledger l" + where;
        try (Connection c = dataSource.getConnection()) {
            // One snapshot for the rows and the total, so they agree while results keep arriving.
            boolean autoCommit = c.getAutoCommit();
            int isolation = c.getTransactionIsolation();
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                List<SpendRow> rows = rows(c, select.toString(), params, q);
                BigDecimal sum;
                try (PreparedStatement ps = c.prepareStatement(total)) {
                    bind(ps, params);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        sum = rs.getBigDecimal(1).setScale(COST_SCALE);
                    }
                }
                c.commit();
                return new Table(rows, sum);
            } finally {
                c.rollback();
                c.setTransactionIsolation(isolation);
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the spend ledger: " + e.getMessage(), e);
        }
    }

    private static List<SpendRow> rows(Connection c, String sql, List<Object> params, SpendQuery q) throws SQLException {
        List<SpendRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int col = 1;
                    Instant bucketStart = null;
                    if (q.bucket() != null) {
                        bucketStart = rs.getObject(col++, LocalDateTime.class).toInstant(ZoneOffset.UTC);
                    }
                    List<String> groups = new ArrayList<>(q.groupBy().size());
                    for (int i = 0; i < q.groupBy().size(); i++) {
                        groups.add(rs.getString(col++));
                    }
                    rows.add(new SpendRow(bucketStart, groups, rs.getLong(col), rs.getLong(col + 1), rs.getLong(col + 2),
                            rs.getBigDecimal(col + 3).setScale(COST_SCALE), rs.getLong(col + 4)));
                }
            }
        }
        return rows;
    }

    /** The filters, over ledger columns only; the values go to {@code params}. */
    private static String where(SpendQuery q, List<Object> params) {
        List<String> terms = new ArrayList<>();
        if (q.tenant() != null) {
            terms.add("l.tenant = ?");
            params.add(q.tenant());
        }
        if (q.from() != null) {
            terms.add("l.occurred_at >= ?");
            params.add(OffsetDateTime.ofInstant(q.from(), ZoneOffset.UTC));
        }
        if (q.to() != null) {
            terms.add("l.occurred_at < ?");
            params.add(OffsetDateTime.ofInstant(q.to(), ZoneOffset.UTC));
        }
        return terms.isEmpty() ? "" : " where " + String.join(" and ", terms);
    }

    private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p instanceof OffsetDateTime t) {
                ps.setObject(i + 1, t, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                ps.setString(i + 1, (String) p);
            }
        }
    }

    /** All spend in the ledger. */
    public BigDecimal total() {
        return total(null);
    }

    /** All spend of one tenant, or of everyone when null. */
    public BigDecimal total(String tenantOrNull) {
        String sql = "select coalesce(sum(cost), 0) from spend_ledger" + (tenantOrNull == null ? "" : " where tenant = ?");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (tenantOrNull != null) {
                ps.setString(1, tenantOrNull);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBigDecimal(1).setScale(COST_SCALE);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the spend ledger: " + e.getMessage(), e);
        }
    }

    /**
     * Compares the ledger with the results job by job (of one tenant, or everyone when null): the proof that
     * each billed attempt was recorded once and nothing else was.
     */
    public Reconciliation reconcile(String tenantOrNull) {
        String tenantFilter = tenantOrNull == null ? "" : " and j.tenant = ?";
        String perJob = """
                select j.id, coalesce(j.cost, 0) as result_cost, coalesce(l.cost, 0) as ledger_cost, coalesce(l.entries, 0) as entries
                from jobs j
                left join (select job_id, sum(cost) as cost, count(*) as entries from spend_ledger group by job_id) l
                  on l.job_id = j.id
                where j.state <> 'queued'""" + tenantFilter;
        String sql = "with per_job as (" + perJob + ")"
                + " select coalesce(sum(result_cost), 0), coalesce(sum(ledger_cost), 0), coalesce(sum(entries), 0), count(*),"
                + " count(*) filter (where result_cost <> ledger_cost),"
                + " (array_agg(id order by id) filter (where result_cost <> ledger_cost))[1:20]"
                + " from per_job";
        String orphans = "select coalesce(sum(l.cost), 0), count(*) from spend_ledger l"
                + " left join jobs j on j.id = l.job_id where (j.id is null or j.state = 'queued')"
                + (tenantOrNull == null ? "" : " and l.tenant = ?");
        try (Connection c = dataSource.getConnection()) {
            BigDecimal results;
            BigDecimal ledger;
            long entries;
            long jobs;
            long mismatched;
            List<String> sample = new java.util.ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (tenantOrNull != null) {
                    ps.setString(1, tenantOrNull);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    results = rs.getBigDecimal(1).setScale(COST_SCALE);
                    ledger = rs.getBigDecimal(2).setScale(COST_SCALE);
                    entries = rs.getLong(3);
                    jobs = rs.getLong(4);
                    mismatched = rs.getLong(5);
                    java.sql.Array ids = rs.getArray(6);
                    if (ids != null) {
                        for (Object id : (Object[]) ids.getArray()) {
                            sample.add((String) id);
                        }
                    }
                }
            }
            // Ledger entries of jobs with no terminal row would not show above: count them too.
            try (PreparedStatement ps = c.prepareStatement(orphans)) {
                if (tenantOrNull != null) {
                    ps.setString(1, tenantOrNull);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    ledger = ledger.add(rs.getBigDecimal(1).setScale(COST_SCALE));
                    entries += rs.getLong(2);
                    mismatched += rs.getLong(2) > 0 ? 1 : 0;
                }
            }
            return new Reconciliation(ledger, results, entries, jobs, mismatched, sample);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reconcile the spend ledger: " + e.getMessage(), e);
        }
    }
}
