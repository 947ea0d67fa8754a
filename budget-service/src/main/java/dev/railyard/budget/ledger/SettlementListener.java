package dev.railyard.budget.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Told about the budget windows a ledger transaction settled (docs/budgets.md, "Alerts" and "Budget state topic"). */
@FunctionalInterface
public interface SettlementListener {
    /** Listens to nothing. */
    SettlementListener NONE = (c, windows) -> () -> { };

    /**
     * Runs inside the ledger's transaction once {@code windows} have moved (never with an empty list), so what it
     * writes through {@code c} commits or rolls back with the spend. Returns what to do once the transaction has
     * committed; that is never run if it rolls back, and must neither block nor throw.
     */
    Runnable settled(Connection c, List<SettledWindow> windows) throws SQLException;
}
