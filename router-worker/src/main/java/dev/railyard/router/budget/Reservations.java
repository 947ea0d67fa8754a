package dev.railyard.router.budget;

import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.RoutingDecision;
import java.util.Optional;

/**
 * The router's last step before dispatch: hold a routed job's worst-case cost on the budgets it counts
 * against. Blocking: call it from the router's poll thread, never an event loop.
 */
@FunctionalInterface
public interface Reservations {

    /**
     * Reserves {@code decision.estimatedCost()} for the job, or refuses.
     *
     * @return why the job may not run (naming the budget), or empty when it is reserved (or needs no reservation)
     * @throws BudgetStoreException when the budget store cannot be reached: the batch should be retried
     */
    Optional<String> reserve(JobSubmitted job, String tenant, RoutingDecision decision);

    /** No budgets enforced. */
    static Reservations none() {
        return (job, tenant, decision) -> Optional.empty();
    }
}
