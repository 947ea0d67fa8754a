package dev.railyard.router.budget;

import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.RoutingDecision;

/**
 * The router's last step before dispatch: hold a routed job's worst-case cost on the budgets it counts
 * against. Blocking: call it from the router's poll thread, never an event loop.
 */
@FunctionalInterface
public interface Reservations {

    /**
     * Reserves the worst case of {@code decision.estimatedCost()} for the job, or refuses or holds it.
     *
     * @param tenant the job's tenant (the record's tenant header, else the job's field)
     * @param key    the submitted record's Kafka key, kept with a held job so its release keeps its partition
     * @return reserved, rejected (naming the budget) or deferred (held by a {@code defer} budget)
     * @throws BudgetStoreException when the budget store cannot be reached: the batch should be retried
     */
    Reservation reserve(JobSubmitted job, String tenant, byte[] key, RoutingDecision decision);

    /** No budgets enforced. */
    static Reservations none() {
        return (job, tenant, key, decision) -> Reservation.reserved();
    }
}
