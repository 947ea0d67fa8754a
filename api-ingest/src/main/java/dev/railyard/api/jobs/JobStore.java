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
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
    // A list row leaves the large JSON (request, response, routing) to the job's own page.
    private static final String SEARCH = """
            select id, state, model, endpoint, batch_id, custom_id, created_at, finished_at, null, error::text,
                   prompt_tokens, completion_tokens, cost, attempt_count, deployment_id, null, null
            from jobs where tenant = ?""";
    private static final String CURSOR = "select created_at from jobs where id = ? and tenant = ?";
    private static final String ATTEMPTS = """
            select a.id, a.deployment_id, a.provider, a.model, a.hop, a.try_number, a.started_at, a.latency_ms,
                   a.http_status, a.prompt_tokens, a.completion_tokens, a.cost, a.billed, a.error::text
            from attempts a where a.job_id = ? order by a.hop, a.try_number, a.started_at nulls last, a.id""";
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
                return Optional.of(row(rs));
            }
        }
    }

    private static JobRow row(ResultSet rs) throws SQLException {
        return new JobRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), instant(rs.getTimestamp(7)), instant(rs.getTimestamp(8)),
                rs.getString(9), rs.getString(10), rs.getObject(11, Long.class),
                rs.getObject(12, Long.class), rs.getBigDecimal(13), rs.getInt(14), rs.getString(15),
                rs.getString(16), rs.getString(17));
    }

    /**
     * One page of a tenant's jobs, newest first (ties by id), and one more row when there is a next page; empty when
     * the cursor names no job of the tenant.
     */
    public Optional<List<JobRow>> search(JobQuery q) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Timestamp cursor = null;
            if (q.after() != null) {
                try (PreparedStatement ps = c.prepareStatement(CURSOR)) {
                    ps.setString(1, q.after());
                    ps.setString(2, q.tenant());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return Optional.empty();
                        }
                        cursor = rs.getTimestamp(1);
                    }
                }
            }
            StringBuilder sql = new StringBuilder(SEARCH);
            List<Object> args = new ArrayList<>(List.of(q.tenant()));
            if (q.status() != null) {
                sql.append(" and state = ?");
                args.add(q.status());
            }
            if (q.batchId() != null) {
                sql.append(" and batch_id = ?");
                args.add(q.batchId());
            }
            if (q.model() != null) {
                sql.append(" and model = ?");
                args.add(q.model());
            }
            if (cursor != null) {
                sql.append(" and (created_at, id) < (?, ?)");
                args.add(cursor);
                args.add(q.after());
            }
            sql.append(" order by created_at desc, id desc limit ?");
            args.add(q.limit() + 1);
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                List<JobRow> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(row(rs));
                    }
                }
                return Optional.of(rows);
            }
        }
    }

    /** A job's attempts in the order they were made; empty when the tenant has no such job. */
    public Optional<List<AttemptRow>> attempts(String tenant, String jobId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(CURSOR)) {
                ps.setString(1, jobId);
                ps.setString(2, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(ATTEMPTS)) {
                ps.setString(1, jobId);
                List<AttemptRow> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new AttemptRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getInt(5), rs.getInt(6), instant(rs.getTimestamp(7)), rs.getObject(8, Long.class),
                                rs.getObject(9, Integer.class), rs.getObject(10, Long.class), rs.getObject(11, Long.class),
                                rs.getBigDecimal(12), rs.getBoolean(13), rs.getString(14)));
                    }
                }
                return Optional.of(rows);
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
