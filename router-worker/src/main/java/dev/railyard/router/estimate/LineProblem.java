package dev.railyard.router.estimate;

/**
 * A line that is not in the estimate: invalid (the batch would reject it at the edge) or unroutable (the
 * router would fail it: no such model, no deployment with the capability or context window, all unhealthy).
 *
 * @param customId the line's custom_id when it had a readable one, else null
 * @param code     a stable code: the validator's ({@code missing_field}) or the router's error type ({@code model_not_found})
 * @param field    the field at fault ({@code body.messages[0].role}), or null
 */
public record LineProblem(int lineNumber, String customId, String code, String field, String message) {
}
