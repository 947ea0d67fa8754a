package dev.railyard.api.files;

import java.time.Instant;

/**
 * A {@code files} row.
 *
 * @param batchId the batch whose output or error file this is, or null for an upload
 */
public record StoredFile(String id, String tenant, String purpose, String filename, long bytes, String batchId,
                         Instant createdAt) {
}
