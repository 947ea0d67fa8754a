package dev.railyard.api.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.schema.event.JobState;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** The {@code jobs} rows this module writes (new jobs) and reads (status). Blocking: call off the event loop. */
public final class JobStore {
    private static final String INSERT = """
            insert into jobs (id, tenant, batch_id, custom_id, line_number, endpoint, model, request, priority,
                              metadata, callback_url, state, created_at, api_key_id)
            values (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?)""";
    private static final String FIND = """
            select id, state, model, endpoint, batch_id, custom_id, created_at, finished_at, response::text,
                   error::text, prompt_tokens, completion_tokens, cost, attempt_count, deployment_id, metadata::text,
                   routing::text
            from jobs where id = ? and tenant = ?""";
    // Guarded like every state change: only a job still queued moves, so a result that did arrive wins.
    private static final String MARK_UNPUBLISHED = """
            update jobs set state = 'failed', finished_at = now(), error = ?::jsonb
            where id = any(?) and state = 'queued'""";

    private final DataSource dataSource;
    private final ObjectMapper mapper;

    public JobStore(DataSource dataSource, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.mapper = mapper;
    }

    public void insert(NewJob job) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, job.id());
            ps.setString(2, job.tenant());
            ps.setString(3, job.batchId());
            ps.setString(4, job.customId());
            ps.setInt(5, job.lineNumber());
            ps.setString(6, job.endpoint());
            ps.setString(7, job.model());
            ps.setString(8, job.requestJson());
            ps.setString(9, job.priority());
            ps.setString(10, metadataJson(job.metadata()));
            ps.setString(11, job.callbackUrl());
            ps.setString(12, JobState.QUEUED);
            ps.setTimestamp(13, Timestamp.from(job.createdAt()));
            ps.setString(14, job.apiKeyId());
            ps.executeUpdate();
        }
    }

    public Optional<JobRow> find(String tenant, String id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setString(1, id);
            ps.setString(2, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new JobRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), instant(rs.getTimestamp(7)), instant(rs.getTimestamp(8)),
                        rs.getString(9), rs.getString(10), rs.getObject(11, Long.class),
                        rs.getObject(12, Long.class), rs.getBigDecimal(13), rs.getInt(14), rs.getString(15),
                        rs.getString(16), rs.getString(17)));
            }
        }
    }

    /**
     * Records jobs whose {@code JobSubmitted} never reached Kafka as failed, so none stays queued forever
     * with nothing left to move it.
     */
    public void markUnpublished(Collection<String> jobIds, String reason) throws SQLException {
        if (jobIds.isEmpty()) {
            return;
        }
        String error = mapper.createObjectNode().put("type", "internal")
                .put("message", "could not be queued: " + reason).toString();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(MARK_UNPUBLISHED)) {
            Array ids = c.createArrayOf("text", jobIds.toArray());
            ps.setString(1, error);
            ps.setArray(2, ids);
            ps.executeUpdate();
        }
    }

    public String metadataJson(Map<String, String> metadata) {
        if (metadata == null || metadata.isEmpty()) {
            return null;
        }
        try {
            return mapper.writeValueAsString(metadata);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a string map always serialises", e);
        }
    }

    static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
