package dev.railyard.router.health;

import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.JobError;

/** What one attempt says about its deployment's health. */
enum AttemptVerdict {
    /** The deployment answered. */
    SUCCESS,
    /** The deployment failed: it is unreachable, slow, overloaded, broken or refuses our credentials. */
    FAILURE,
    /**
     * No evidence either way: the caller's fault (the provider rightly refused the request, and may have
     * done so without a call at all) or Railyard's own failure.
     */
    NEUTRAL;

    static AttemptVerdict of(Attempt attempt) {
        JobError error = attempt.error();
        if (error == null) {
            return SUCCESS;
        }
        if (error.httpStatus() != null && error.httpStatus() >= 500) {
            return FAILURE;
        }
        if (error.type() == null) {
            return NEUTRAL;
        }
        return switch (error.type()) {
            case OVERLOADED, TIMEOUT, SERVER_ERROR, STRUCTURED_OUTPUT_INVALID, MALFORMED_RESPONSE,
                 AUTHENTICATION, PERMISSION, NOT_FOUND, MODEL_NOT_FOUND -> FAILURE;
            // A 429 says the deployment is healthy but at its quota: that is the rate limiter's business
            // (wait, then send), not a reason to stop sending it work for the open period.
            case RATE_LIMITED, INVALID_REQUEST, UNSUPPORTED_PARAMETER, CONTENT_FILTERED, BUDGET_EXCEEDED,
                 CONTEXT_LENGTH_EXCEEDED, MALFORMED_RECORD, INTERNAL -> NEUTRAL;
        };
    }
}
