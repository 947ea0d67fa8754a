package dev.railyard.api.files;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * OpenAI's file object ({@code OpenAIFile}). {@code status} is deprecated but required by the spec; a stored file is
 * always {@code processed}. Files do not expire, so {@code expires_at} is omitted.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"id", "object", "bytes", "created_at", "filename", "purpose", "status"})
public record FileObject(String id, String object, long bytes, long createdAt, String filename, String purpose,
                         String status) {

    public static FileObject of(StoredFile f) {
        return new FileObject(f.id(), "file", f.bytes(), f.createdAt().getEpochSecond(), f.filename(), f.purpose(),
                "processed");
    }

    /** The answer to {@code DELETE /v1/files/{id}}. */
    public record Deleted(String id, String object, boolean deleted) {
        public static Deleted of(String id) {
            return new Deleted(id, "file", true);
        }
    }
}
