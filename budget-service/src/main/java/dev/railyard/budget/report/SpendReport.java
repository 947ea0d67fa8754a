package dev.railyard.budget.report;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/** Spend read from the ledger, grouped. Blocking JDBC: call it off any event loop. */
public final class SpendReport {
    /** Ledger precision (numeric(24, 12)). */
    public static final int COST_SCALE = 12;

    private static final Map<String, String> COLUMNS = columns();

    private final DataSource dataSource;

    public SpendReport(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    private static Map<String, String> columns() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", "model");
        m.put("tenant", "tenant");
        m.put("batch", "batch_id");
        m.put("provider", "provider");
        m.put("deployment", "deployment_id");
        return m;
    }

    /** The values {@code group_by} accepts, in documentation order. */
    public static Set<String> groups() {
        return COLUMNS.keySet();
    }

    /**
     * Spend per group, most expensive first.
     *
     * @param groupBy      model, tenant, batch, provider or deployment
     * @param tenantOrNull only this tenant's spend, or everyone's
     * @throws IllegalArgumentException for any other {@code groupBy}
     */
    public List<SpendRow> byGroup(String groupBy, String tenantOrNull) {
        String column = groupBy == null ? null : COLUMNS.get(groupBy);
        if (column == null) {
            throw new IllegalArgumentException("group_by must be one of " + String.join(", ", COLUMNS.keySet())
                    + ", got " + (groupBy == null ? "nothing" : "'" + groupBy + "'"));
        }
        // The column comes from the fixed map above, never from the caller.
        String sql = "select " + column + ", count(*), sum(prompt_tokens), sum(completion_tokens), sum(cost)"
                + " from spend_ledger" + (tenantOrNull == null ? "" : " where tenant = ?")
                + " group by " + column + " order by sum(cost) desc, " + column + " nulls last";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (tenantOrNull != null) {
                ps.setString(1, tenantOrNull);
            }
            List<SpendRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new SpendRow(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                            rs.getBigDecimal(5).setScale(COST_SCALE)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the spend ledger: " + e.getMessage(), e);
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
