package dev.railyard.api.batches;

import java.util.List;

/**
 * What a batch input held, once its valid lines have gone to their sink.
 *
 * @param endpoint   the batch's endpoint: the one asked for, else the first valid line's url
 * @param validLines how many lines became jobs
 * @param invalid    the rejected lines, by line
 */
public record ParsedBatch(String endpoint, int validLines, List<LineError> invalid) {
    public int totalLines() {
        return validLines + invalid.size();
    }
}
