package dev.railyard.router.policy;

import dev.railyard.config.Deployment;
import dev.railyard.schema.event.ErrorType;

/** A deployment a filter removed, and why. Filters run in the order of {@link Filter}. */
record Rejection(Deployment deployment, Filter filter, String reason) {

    /**
     * The filters in the order they run, each with the error a job gets when it is the furthest any
     * candidate got: a job every candidate refuses for capability is an invalid request, while one whose
     * capable candidates are merely unhealthy is an overload.
     */
    enum Filter {
        CAPABILITY(ErrorType.INVALID_REQUEST),
        CONTEXT(ErrorType.CONTEXT_LENGTH_EXCEEDED),
        TAGS(ErrorType.MODEL_NOT_FOUND),
        HEALTH(ErrorType.OVERLOADED),
        BUDGET(ErrorType.BUDGET_EXCEEDED);

        final ErrorType error;

        Filter(ErrorType error) {
            this.error = error;
        }
    }
}
