package dev.railyard.api.jobs;

import dev.railyard.api.http.ApiException;
import dev.railyard.schema.event.JobState;
import dev.railyard.schema.event.Outcome;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A search of {@code GET /v1/jobs}: one tenant's jobs, newest first, optionally of one status, batch and model, after
 * a cursor (the previous page's last job id).
 *
 * @param tenant  the tenant searched (already checked against the caller)
 * @param status  a job state, or null for any
 * @param batchId a batch id, or null for any
 * @param model   a model as the job asked for it, or null for any
 * @param after   the job id the page starts after, or null for the first page
 * @param limit   1 to {@link #MAX_LIMIT}
 */
public record JobQuery(String tenant, String status, String batchId, String model, String after, int limit) {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;
    private static final int MAX_TEXT = 200;

    /** Every state a job can be in: queued, then one outcome. */
    public static Set<String> states() {
        Set<String> states = new LinkedHashSet<>();
        states.add(JobState.QUEUED);
        for (Outcome o : Outcome.values()) {
            states.add(o.code());
        }
        return states;
    }

    /**
     * Reads the query parameters; a bad one is a 400 naming it.
     *
     * @param params a query parameter by name, null when absent
     */
    public static JobQuery parse(String tenant, UnaryOperator<String> params) {
        String status = blankToNull(params.apply("status"));
        if (status != null && !states().contains(status)) {
            throw ApiException.invalid("invalid_value", "status", "status must be one of " + String.join(", ", states())
                    + ", got '" + status + "'");
        }
        return new JobQuery(tenant, status, text(params, "batch_id"), text(params, "model"), text(params, "after"),
                limit(params.apply("limit")));
    }

    private static String text(UnaryOperator<String> params, String name) {
        String value = blankToNull(params.apply(name));
        if (value != null && value.length() > MAX_TEXT) {
            throw ApiException.invalid("invalid_value", name, name + " must be at most " + MAX_TEXT + " characters");
        }
        return value;
    }

    static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        if (value.matches("[0-9]{1,3}")) {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        }
        throw ApiException.invalid("invalid_value", "limit", "limit must be an integer from 1 to " + MAX_LIMIT + ", got '" + value + "'");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
