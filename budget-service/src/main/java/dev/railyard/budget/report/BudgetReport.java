package dev.railyard.budget.report;

import dev.railyard.budget.catalog.Budget;
import dev.railyard.budget.catalog.BudgetCatalog;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Each budget's current window, read from {@code budget_windows} and {@code budget_alerts}. Blocking JDBC: call it off
 * any event loop.
 */
public final class BudgetReport {
    private static final String WINDOW = """
            with k(budget_id, window_start) as (values (?::text, ?::timestamptz))
            select coalesce(w.spent, 0), coalesce(w.reserved, 0),
                   array(select a.threshold from budget_alerts a
                         where a.budget_id = k.budget_id and a.window_start = k.window_start order by a.threshold)
            from k left join budget_windows w on w.budget_id = k.budget_id and w.window_start = k.window_start""";

    private final BudgetCatalog catalog;
    private final DataSource dataSource;
    private final Clock clock;

    public BudgetReport(BudgetCatalog catalog, DataSource dataSource, Clock clock) {
        this.catalog = catalog;
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Every budget, configured ones first in configuration order; a window nothing has been reserved in yet shows zero. */
    public List<BudgetStatus> current() {
        try (Connection c = dataSource.getConnection()) {
            return windows(c, catalog.all(c), clock.instant());
        } catch (SQLException e) {
            throw new IllegalStateException("budget windows could not be read: " + e.getMessage(), e);
        }
    }

    /** One budget's current window, if the budget exists. */
    public Optional<BudgetStatus> current(String id) {
        try (Connection c = dataSource.getConnection()) {
            Optional<Budget> budget = catalog.find(c, id);
            return budget.isEmpty() ? Optional.empty() : Optional.of(windows(c, List.of(budget.get()), clock.instant()).get(0));
        } catch (SQLException e) {
            throw new IllegalStateException("budget windows could not be read: " + e.getMessage(), e);
        }
    }

    /** The windows holding {@code now} of {@code budgets}, in their order, through the caller's connection. */
    public static List<BudgetStatus> windows(Connection c, Collection<Budget> budgets, Instant now) throws SQLException {
        List<BudgetStatus> out = new ArrayList<>(budgets.size());
        try (PreparedStatement ps = c.prepareStatement(WINDOW)) {
            for (Budget b : budgets) {
                Instant start = b.spec().period().windowStart(now);
                ps.setString(1, b.id());
                ps.setObject(2, OffsetDateTime.ofInstant(start, ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    BigDecimal spent = rs.getBigDecimal(1);
                    BigDecimal reserved = rs.getBigDecimal(2);
                    Array fired = rs.getArray(3);
                    out.add(new BudgetStatus(b, start, b.spec().period().resetsAt(now).orElse(null), spent, reserved,
                            Arrays.asList((Integer[]) fired.getArray())));
                }
            }
        }
        return out;
    }
}
