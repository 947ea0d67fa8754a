package dev.railyard.budget.report;

import dev.railyard.config.BudgetSpec;
import java.math.BigDecimal;
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
import java.util.List;
import javax.sql.DataSource;

/** Each configured budget's current window, read from {@code budget_windows}. Blocking JDBC: call it off any event loop. */
public final class BudgetReport {
    private static final String WINDOW = "select spent, reserved from budget_windows where budget_id = ? and window_start = ?";

    private final List<BudgetSpec> budgets;
    private final DataSource dataSource;
    private final Clock clock;

    public BudgetReport(List<BudgetSpec> budgets, DataSource dataSource, Clock clock) {
        this.budgets = List.copyOf(budgets);
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Every budget in configuration order; a window nothing has been reserved in yet shows zero. */
    public List<BudgetStatus> current() {
        Instant now = clock.instant();
        List<BudgetStatus> out = new ArrayList<>(budgets.size());
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(WINDOW)) {
            for (BudgetSpec b : budgets) {
                Instant start = b.period().windowStart(now);
                ps.setString(1, b.id());
                ps.setObject(2, OffsetDateTime.ofInstant(start, ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
                BigDecimal spent = BigDecimal.ZERO;
                BigDecimal reserved = BigDecimal.ZERO;
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        spent = rs.getBigDecimal(1);
                        reserved = rs.getBigDecimal(2);
                    }
                }
                out.add(new BudgetStatus(b, start, b.period().resetsAt(now).orElse(null), spent, reserved));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("budget windows could not be read: " + e.getMessage(), e);
        }
        return out;
    }
}
