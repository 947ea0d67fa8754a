package dev.railyard.budget.admin;

import dev.railyard.schema.db.Transactions;
import dev.railyard.budget.catalog.Budget;
import dev.railyard.budget.catalog.BudgetCatalog;
import dev.railyard.budget.report.BudgetReport;
import dev.railyard.budget.report.BudgetStatus;
import dev.railyard.budget.state.BudgetStatePublisher;
import dev.railyard.budget.state.StatePublishException;
import dev.railyard.config.BudgetSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * The budget admin operations behind the REST API. Each change runs in one transaction that takes the budget's
 * publication lock, changes the {@code budgets} row, publishes the budget's new state (or a tombstone) and waits for
 * Kafka's acknowledgement before committing: when the call answers, routers can see the change; when Kafka does not
 * acknowledge, nothing changed. Blocking JDBC: call it off any event loop.
 */
public final class BudgetAdmin {
    private final BudgetCatalog catalog;
    private final BudgetRequests requests;
    private final BudgetReport report;
    private final BudgetStatePublisher publisher;
    private final DataSource dataSource;
    private final Runnable alertsScheduled;

    /** @param alertsScheduled told when a change (e.g. a lower limit) recorded alerts that wait for delivery */
    public BudgetAdmin(BudgetCatalog catalog, BudgetRequests requests, BudgetReport report, BudgetStatePublisher publisher,
                       DataSource dataSource, Runnable alertsScheduled) {
        this.catalog = catalog;
        this.requests = requests;
        this.report = report;
        this.publisher = publisher;
        this.dataSource = dataSource;
        this.alertsScheduled = alertsScheduled;
    }

    public List<BudgetStatus> list() {
        return report.current();
    }

    public BudgetStatus get(String id) {
        return report.current(id).orElseThrow(() -> notFound(id));
    }

    /** Creates an API budget from a {@code POST /v1/budgets} body. */
    public BudgetStatus create(byte[] body) {
        BudgetSpec spec = requests.create(body);
        return change(spec.id(), c -> {
            if (catalog.configured(spec.id()) || !catalog.insert(c, spec)) {
                throw new BudgetRequestException(409, "budget_exists", "id", "a budget with id '" + spec.id() + "' already exists");
            }
        });
    }

    /** Changes an API budget's limit, action or alerts from a {@code PATCH /v1/budgets/{id}} body. */
    public BudgetStatus update(String id, byte[] body) {
        return change(id, c -> {
            Budget current = existing(c, id);
            if (!catalog.update(c, requests.patch(current.spec(), body))) {
                throw notFound(id);
            }
        });
    }

    /** Deletes an API budget; routers drop it when they read its tombstone. Its windows stay (history, in-flight settlements). */
    public void delete(String id) {
        change(id, c -> {
            existing(c, id);
            if (!catalog.delete(c, id)) {
                throw notFound(id);
            }
        });
    }

    private Budget existing(Connection c, String id) throws SQLException {
        Budget budget = catalog.find(c, id).orElseThrow(() -> notFound(id));
        if (budget.source() == Budget.Source.CONFIG) {
            throw new BudgetRequestException(409, "budget_defined_in_config", null,
                    "budget '" + id + "' is defined in railyard.yaml; change it there (the API changes only budgets it created)");
        }
        return budget;
    }

    private interface Change {
        void apply(Connection c) throws SQLException;
    }

    private BudgetStatus change(String id, Change change) {
        BudgetStatePublisher.Published published;
        try (Connection c = dataSource.getConnection()) {
            published = Transactions.inTransaction(c, tx -> {
                BudgetStatePublisher.lock(tx, List.of(id));
                change.apply(tx);
                return publisher.publish(tx, List.of(id));
            });
        } catch (SQLException e) {
            throw new IllegalStateException("budget '" + id + "' could not be changed: " + e.getMessage(), e);
        } catch (StatePublishException e) {
            throw new BudgetRequestException(503, "budget_state_unavailable", null,
                    "the budget state topic did not acknowledge the change, so nothing was changed; try again (" + e.getMessage() + ")");
        }
        if (published.alertsScheduled() > 0) {
            alertsScheduled.run();
        }
        return published.statuses().isEmpty() ? null : published.statuses().get(0);
    }

    private static BudgetRequestException notFound(String id) {
        return new BudgetRequestException(404, "budget_not_found", null, "no budget with id '" + id + "'");
    }
}
