package dev.railyard.budget.ledger;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Settles the router's budget reservations (docs/budgets.md) inside the ledger's transaction: each of a
 * job's unsettled reservations is marked settled, its amount leaves the window's {@code reserved} and the
 * job's billed cost joins its {@code spent}. A reservation settles once (only rows with no
 * {@code settled_at}), so a redelivered result changes nothing.
 */
final class Settlements {
    static final String SETTLE = """
            update budget_reservations set settled_at = now()
            where job_id = any(?) and settled_at is null
            returning job_id, budget_id, window_start, amount""";
    static final String MOVE = """
            update budget_windows set reserved = reserved - ?, spent = spent + ?
            where budget_id = ? and window_start = ?
            returning spent, reserved""";

    private record Window(String budgetId, OffsetDateTime start) {
    }

    private record Delta(BigDecimal released, BigDecimal spent) {
        Delta plus(BigDecimal releasedMore, BigDecimal spentMore) {
            return new Delta(released.add(releasedMore), spent.add(spentMore));
        }
    }

    private Settlements() {
    }

    /**
     * @param billed each terminal job's billed cost (zero for a job billed earlier, or never)
     * @return the windows that moved, with their new totals, in lock order
     */
    static List<SettledWindow> settle(Connection c, Map<String, BigDecimal> billed) throws SQLException {
        if (billed.isEmpty()) {
            return List.of();
        }
        // Summed per window and applied in one order (budget id, window start), the order the router locks
        // windows in, so settling and reserving never deadlock.
        Map<Window, Delta> deltas = new TreeMap<>(Comparator.comparing(Window::budgetId).thenComparing(Window::start));
        try (PreparedStatement ps = c.prepareStatement(SETTLE)) {
            ps.setArray(1, c.createArrayOf("text", billed.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    BigDecimal cost = billed.getOrDefault(rs.getString(1), BigDecimal.ZERO);
                    deltas.merge(new Window(rs.getString(2), rs.getObject(3, OffsetDateTime.class)), new Delta(rs.getBigDecimal(4), cost),
                            (a, b) -> a.plus(b.released(), b.spent()));
                }
            }
        }
        List<SettledWindow> settled = new ArrayList<>(deltas.size());
        // One statement per window (not a batch) to read each window's new totals back: a batch holds a few windows.
        try (PreparedStatement ps = c.prepareStatement(MOVE)) {
            for (Map.Entry<Window, Delta> e : deltas.entrySet()) {
                ps.setBigDecimal(1, e.getValue().released());
                ps.setBigDecimal(2, e.getValue().spent());
                ps.setString(3, e.getKey().budgetId());
                ps.setObject(4, e.getKey().start(), Types.TIMESTAMP_WITH_TIMEZONE);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        settled.add(new SettledWindow(e.getKey().budgetId(), e.getKey().start().toInstant(), rs.getBigDecimal(1),
                                rs.getBigDecimal(2)));
                    }
                }
            }
        }
        return settled;
    }
}
