package dev.railyard.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongConsumer;

/** Submits a batch through the API, waits until every line is terminal, downloads output and errors. */
public final class BatchRun {
    /** What a finished run produced. */
    public record Outcome(String batchId, String status, long total, long completed, long failed, Path output, Path errors,
                          Duration wallTime, boolean finished) {
    }

    private final RailyardClient client;

    public BatchRun(RailyardClient client) {
        this.client = client;
    }

    /**
     * @param onProgress told the number of terminal lines as it grows (first call: -total, so a bar can size itself)
     */
    public Outcome run(byte[] jsonl, Path output, Path errors, Duration timeout, LongConsumer onProgress) {
        return follow(client.submitBatch(jsonl), output, errors, timeout, onProgress);
    }

    /**
     * Waits for a batch already submitted (however it was: a JSONL body, an uploaded file) as {@link #run} does.
     *
     * @param batch the batch object the API answered on creation
     */
    public Outcome follow(JsonNode batch, Path output, Path errors, Duration timeout, LongConsumer onProgress) {
        long started = System.nanoTime();
        String id = batch.path("id").asText();
        onProgress.accept(-batch.path("request_counts").path("total").asLong());
        long deadline = started + timeout.toNanos();
        while (!terminal(batch.path("status").asText()) && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(200));
            batch = client.batch(id);
            JsonNode counts = batch.path("request_counts");
            onProgress.accept(counts.path("completed").asLong() + counts.path("failed").asLong());
        }
        boolean finished = terminal(batch.path("status").asText());
        try {
            Files.createDirectories(output.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        client.download("/v1/batches/" + id + "/output", output);
        client.download("/v1/batches/" + id + "/errors", errors);
        JsonNode counts = batch.path("request_counts");
        return new Outcome(id, batch.path("status").asText(), counts.path("total").asLong(), counts.path("completed").asLong(),
                counts.path("failed").asLong(), output, errors, Duration.ofNanos(System.nanoTime() - started), finished);
    }

    static boolean terminal(String status) {
        return switch (status) {
            case "completed", "failed", "expired", "cancelled" -> true;
            default -> false;
        };
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d); // the CLI's own polling thread
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
