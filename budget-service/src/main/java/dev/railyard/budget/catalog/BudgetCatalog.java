package dev.railyard.budget.catalog;

import dev.railyard.config.BudgetPeriod;
import dev.railyard.config.BudgetSpec;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every budget: those in railyard.yaml (held here, in configuration order) and those created through the admin
 * API (table {@code budgets}, by id). Ids are unique across both; should a configured id also sit in the table,
 * the configuration wins. Reads and writes go through the caller's connection, so they join its transaction.
 */
public final class BudgetCatalog {
    private static final String COLUMNS = "id, scope, scope_value, period, limit_usd, action, alert_at, alert_webhook";
    static final String INSERT = """
            insert into budgets (id, scope, scope_value, period, limit_usd, action, alert_at, alert_webhook)
            values (?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (id) do nothing""";
    static final String UPDATE = """
            update budgets set limit_usd = ?, action = ?, alert_at = ?, alert_webhook = ?, updated_at = now()
            where id = ?""";

    private final Map<String, BudgetSpec> configured = new LinkedHashMap<>();

    public BudgetCatalog(List<BudgetSpec> configured) {
        configured.forEach(b -> this.configured.put(b.id(), b));
    }

    public boolean configured(String id) {
        return configured.containsKey(id);
    }

    /** Configured budgets in configuration order, then the API's by id. */
    public List<Budget> all(Connection c) throws SQLException {
        List<Budget> out = new ArrayList<>();
        configured.values().forEach(b -> out.add(new Budget(b, Budget.Source.CONFIG)));
        try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from budgets order by id")) {
            readInto(ps, out);
        }
        return out;
    }

    public Optional<Budget> find(Connection c, String id) throws SQLException {
        return Optional.ofNullable(find(c, List.of(id)).get(id));
    }

    /** The budgets among {@code ids} that exist, by id. */
    public Map<String, Budget> find(Connection c, Collection<String> ids) throws SQLException {
        Map<String, Budget> found = new LinkedHashMap<>();
        List<String> fromTable = new ArrayList<>();
        for (String id : ids) {
            BudgetSpec spec = configured.get(id);
            if (spec != null) {
                found.put(id, new Budget(spec, Budget.Source.CONFIG));
            } else {
                fromTable.add(id);
            }
        }
        if (fromTable.isEmpty()) {
            return found;
        }
        List<Budget> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from budgets where id = any(?) order by id")) {
            ps.setArray(1, c.createArrayOf("text", fromTable.toArray()));
            readInto(ps, rows);
        }
        rows.forEach(b -> found.put(b.id(), b));
        return found;
    }

    /** Adds an API budget; false when the id is taken (by configuration or the table). */
    public boolean insert(Connection c, BudgetSpec spec) throws SQLException {
        if (configured(spec.id())) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, spec.id());
            ps.setString(2, spec.scope().code());
            ps.setString(3, spec.scopeValue());
            ps.setString(4, spec.period().code());
            ps.setBigDecimal(5, spec.limitUsd());
            ps.setString(6, spec.action().code());
            ps.setArray(7, c.createArrayOf("int4", spec.alertAt().toArray()));
            ps.setString(8, spec.alertWebhook());
            return ps.executeUpdate() == 1;
        }
    }

    /** Replaces an API budget's changeable settings (limit, action, alerts); false when there is no such row. */
    public boolean update(Connection c, BudgetSpec spec) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
            ps.setBigDecimal(1, spec.limitUsd());
            ps.setString(2, spec.action().code());
            ps.setArray(3, c.createArrayOf("int4", spec.alertAt().toArray()));
            ps.setString(4, spec.alertWebhook());
            ps.setString(5, spec.id());
            return ps.executeUpdate() == 1;
        }
    }

    public boolean delete(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("delete from budgets where id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    private void readInto(PreparedStatement ps, List<Budget> out) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (!configured(rs.getString(1))) {
                    out.add(new Budget(spec(rs), Budget.Source.API));
                }
            }
        }
    }

    private static BudgetSpec spec(ResultSet rs) throws SQLException {
        Array alertAt = rs.getArray(7);
        List<Integer> thresholds = Arrays.stream((Integer[]) alertAt.getArray()).toList();
        return new BudgetSpec(rs.getString(1), BudgetSpec.Scope.valueOf(rs.getString(2).toUpperCase(Locale.ROOT)), rs.getString(3),
                BudgetPeriod.valueOf(rs.getString(4).toUpperCase(Locale.ROOT)), rs.getBigDecimal(5),
                BudgetSpec.Action.valueOf(rs.getString(6).toUpperCase(Locale.ROOT)), thresholds, rs.getString(8));
    }
}
