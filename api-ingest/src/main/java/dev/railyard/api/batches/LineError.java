package dev.railyard.api.batches;

/**
 * A line of a batch input that did not become a job; stored in {@code batch_line_errors}.
 *
 * @param lineNumber 1-based
 * @param customId   the line's custom_id when it had a readable one, else null
 * @param field      the field at fault ({@code body.messages[0].role}), or null for the whole line
 */
public record LineError(int lineNumber, String customId, String code, String field, String message) {
}
