package dev.railyard.schema.db;

/** Whether a batch is being cancelled, so that its jobs not yet started never start (docs/batches.md). */
@FunctionalInterface
public interface BatchCancellations {
    /** @param batchId the job's batch, or null for a job outside any batch */
    boolean cancelled(String batchId);

    /** Nothing is ever cancelled (no database to read cancellations from). */
    static BatchCancellations none() {
        return batchId -> false;
    }
}
