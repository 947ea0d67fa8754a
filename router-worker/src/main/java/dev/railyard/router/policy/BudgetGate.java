package dev.railyard.router.policy;

import dev.railyard.config.Deployment;
import dev.railyard.schema.event.JobSubmitted;
import java.math.BigDecimal;
import java.util.Optional;

/** Whether a job may spend its estimated cost on a deployment. The budget service plugs in here. */
@FunctionalInterface
public interface BudgetGate {

    /** Why the job may not run on this deployment, or empty when it may. */
    Optional<String> refusal(JobSubmitted job, Deployment deployment, BigDecimal estimatedCost);

    static BudgetGate allowAll() {
        return (job, deployment, cost) -> Optional.empty();
    }
}
