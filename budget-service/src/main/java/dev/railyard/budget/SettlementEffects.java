package dev.railyard.budget;

import dev.railyard.budget.alert.AlertDelivery;
import dev.railyard.budget.alert.AlertRecorder;
import dev.railyard.budget.alert.Observation;
import dev.railyard.budget.catalog.Budget;
import dev.railyard.budget.catalog.BudgetCatalog;
import dev.railyard.budget.ledger.SettledWindow;
import dev.railyard.budget.ledger.SettlementListener;
import dev.railyard.budget.state.StateRefresher;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What settling spend sets off: inside the ledger transaction, the alert thresholds the settled windows reached are
 * recorded (so an alert commits with the spend that crossed it, exactly once); after the commit, the budgets' state is
 * republished and new alerts are delivered — both on their own threads, never holding up the ledger.
 */
final class SettlementEffects implements SettlementListener {
    private final BudgetCatalog catalog;
    private final AlertRecorder alerts;
    private final StateRefresher state;
    private final AlertDelivery delivery;

    SettlementEffects(BudgetCatalog catalog, AlertRecorder alerts, StateRefresher state, AlertDelivery delivery) {
        this.catalog = catalog;
        this.alerts = alerts;
        this.state = state;
        this.delivery = delivery;
    }

    @Override
    public Runnable settled(Connection c, List<SettledWindow> windows) throws SQLException {
        Set<String> ids = new TreeSet<>();
        windows.forEach(w -> ids.add(w.budgetId()));
        Map<String, Budget> budgets = catalog.find(c, ids);
        List<Observation> observed = new ArrayList<>();
        for (SettledWindow w : windows) {
            Budget b = budgets.get(w.budgetId());
            if (b != null) { // a deleted budget's in-flight jobs still settle, but it alerts no more
                observed.add(new Observation(b, w.windowStart(), w.spent()));
            }
        }
        int scheduled = alerts.record(c, observed);
        return () -> {
            state.changed(ids);
            if (scheduled > 0) {
                delivery.wake();
            }
        };
    }
}
