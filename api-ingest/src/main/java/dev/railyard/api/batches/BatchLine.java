package dev.railyard.api.batches;

/**
 * A valid line of a batch input file.
 *
 * @param lineNumber the 1-based physical line in the file
 * @param model      the body's {@code model}
 * @param bodyJson   the line's {@code body} exactly as written in the file
 */
public record BatchLine(int lineNumber, String customId, String url, String model, String bodyJson) {
}
