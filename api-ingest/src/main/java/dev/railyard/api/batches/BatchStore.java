package dev.railyard.api.batches;

import dev.railyard.api.jobs.NewJob;
import dev.railyard.schema.event.JobState;
import dev.railyard.schema.event.Outcome;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * The {@code batches} rows: created with all their jobs and rejected lines in one transaction (jobs by
 * COPY, never row by row), read back with their job counts in one query. Blocking: call off the event loop.
 */
public final class BatchStore {
    static final String FAILURE_STATES = Arrays.stream(Outcome.values()).filter(o -> o != Outcome.SUCCEEDED)
            .map(o -> "'" + o.code() + "'").collect(Collectors.joining(", "));
    private static final String TERMINAL_STATES = Arrays.stream(Outcome.values())
            .map(o -> "'" + o.code() + "'").collect(Collectors.joining(", "));

    private static final String INSERT_BATCH = """
            insert into batches (id, tenant, endpoint, completion_window, total_lines, invalid_lines, status,
                                 created_at, in_progress_at, expires_at, failed_at, input_file_id, metadata, callback_url)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)""";
    static final String COPY_JOBS = "copy jobs (id, tenant, batch_id, custom_id, line_number, endpoint, model,"
            + " request, priority, state, created_at, api_key_id) from stdin";
    static final String COPY_LINE_ERRORS = "copy batch_line_errors (batch_id, line_number, custom_id, code,"
            + " field, message) from stdin";
    private static final String SELECT = """
            select b.id, b.endpoint, b.completion_window, b.input_file_id, b.status, b.created_at, b.in_progress_at,
                   b.expires_at, b.failed_at, b.cancelling_at, b.finalized_at, b.output_file_id, b.error_file_id,
                   b.metadata::text, b.invalid_lines,
                   c.jobs, c.pending, c.succeeded, c.failed, c.expired, c.last_finished
            from batches b
            cross join lateral (
                select count(*) as jobs,
                       count(*) filter (where j.state not in (%s)) as pending,
                       count(*) filter (where j.state = '%s') as succeeded,
                       count(*) filter (where j.state in (%s)) as failed,
                       count(*) filter (where j.state = '%s') as expired,
                       max(j.finished_at) as last_finished
                from jobs j where j.batch_id = b.id) c
            """.formatted(TERMINAL_STATES, Outcome.SUCCEEDED.code(), FAILURE_STATES, Outcome.EXPIRED.code());
    private static final String FIND = SELECT + " where b.tenant = ? and b.id = ?";
    // Anthropic Message Batches (msgbatch_ ids) are listed by their own API, not as OpenAI batches.
    private static final String OPENAI_ONLY = " and b.id not like 'msgbatch\\_%'";
    private static final String LIST_FIRST = SELECT + " where b.tenant = ?" + OPENAI_ONLY + " order by b.created_at desc, b.id desc limit ?";
    private static final String LIST_AFTER = SELECT + """
             where b.tenant = ? and (b.created_at, b.id) < (select a.created_at, a.id from batches a where a.id = ? and a.tenant = ?)""" + OPENAI_ONLY + """
             order by b.created_at desc, b.id desc limit ?""";
    private static final String EXISTS = "select 1 from batches where id = ? and tenant = ?";
    /** Asks for a cancel once; a batch already failed or finalized is left as it is. */
    private static final String CANCEL = """
            update batches set cancelling_at = coalesce(cancelling_at, ?)
            where id = ? and tenant = ? and status <> 'failed' and finalized_at is null""";
    private static final String LINE_ERRORS = """
            select line_number, custom_id, code, field, message from batch_line_errors
            where batch_id = ? order by line_number limit ?""";

    private final DataSource dataSource;

    public BatchStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Starts storing one batch in one transaction: its jobs stream in by COPY as they are parsed, then
     * {@link BatchWriter#finish} adds the batch row and the rejected lines and commits.
     */
    public BatchWriter begin() throws SQLException {
        return new BatchWriter(dataSource.getConnection());
    }

    static void insertHeader(Connection c, StoredBatch b, String tenant, String callbackUrl) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_BATCH)) {
            ps.setString(1, b.id());
            ps.setString(2, tenant);
            ps.setString(3, b.endpoint());
            ps.setString(4, b.completionWindow());
            ps.setInt(5, (int) b.jobs() + b.invalidLines());
            ps.setInt(6, b.invalidLines());
            ps.setString(7, b.status());
            ps.setTimestamp(8, timestamp(b.createdAt()));
            ps.setTimestamp(9, timestamp(b.inProgressAt()));
            ps.setTimestamp(10, timestamp(b.expiresAt()));
            ps.setTimestamp(11, timestamp(b.failedAt()));
            ps.setString(12, b.inputFileId());
            ps.setString(13, b.metadataJson());
            ps.setString(14, callbackUrl);
            ps.executeUpdate();
        }
    }

    static PGCopyOutputStream copy(Connection c, String sql) throws SQLException {
        return new PGCopyOutputStream(c.unwrap(PGConnection.class), sql, 1 << 16);
    }

    static Writer writer(PGCopyOutputStream copy) {
        // Closing the writer ends the COPY; rows go out in 64 KiB pieces, never built whole.
        return new BufferedWriter(new OutputStreamWriter(copy, StandardCharsets.UTF_8), 1 << 16);
    }

    static void writeJobRow(CopyRows rows, NewJob j) throws IOException {
        rows.field(j.id()).field(j.tenant()).field(j.batchId()).field(j.customId()).field(j.lineNumber())
                .field(j.endpoint()).field(j.model()).field(j.requestJson()).field(j.priority())
                .field(JobState.QUEUED).field(j.createdAt().toString()).field(j.apiKeyId());
        rows.endRow();
    }

    static void writeLineErrorRows(CopyRows rows, String batchId, List<LineError> errors) throws IOException {
        for (LineError e : errors) {
            rows.field(batchId).field(e.lineNumber()).field(e.customId()).field(e.code()).field(e.field()).field(e.message());
            rows.endRow();
        }
    }

    public Optional<StoredBatch> find(String tenant, String id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setString(1, tenant);
            ps.setString(2, id);
            List<StoredBatch> found = read(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    /** Newest first; {@code after} is the id of the last batch of the previous page, or null. */
    public List<StoredBatch> list(String tenant, String after, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(after == null ? LIST_FIRST : LIST_AFTER)) {
            ps.setString(1, tenant);
            if (after == null) {
                ps.setInt(2, limit);
            } else {
                ps.setString(2, after);
                ps.setString(3, tenant);
                ps.setInt(4, limit);
            }
            return read(ps);
        }
    }

    public boolean exists(String tenant, String id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(EXISTS)) {
            ps.setString(1, id);
            ps.setString(2, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Records a cancel request (the first one's time is kept).
     *
     * @return false when the batch cannot be cancelled any more (it failed or is finalized) or does not exist
     */
    public boolean cancel(String tenant, String id, Instant at) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(CANCEL)) {
            ps.setTimestamp(1, timestamp(at));
            ps.setString(2, id);
            ps.setString(3, tenant);
            return ps.executeUpdate() == 1;
        }
    }

    /** The first {@code limit} rejected lines, by line. */
    public List<LineError> lineErrors(String batchId, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LINE_ERRORS)) {
            ps.setString(1, batchId);
            ps.setInt(2, limit);
            List<LineError> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new LineError(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
                }
            }
            return out;
        }
    }

    private static List<StoredBatch> read(PreparedStatement ps) throws SQLException {
        List<StoredBatch> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new StoredBatch(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), instant(rs, 6), instant(rs, 7), instant(rs, 8), instant(rs, 9), instant(rs, 10),
                        instant(rs, 11), rs.getString(12), rs.getString(13), rs.getString(14), rs.getInt(15),
                        rs.getLong(16), rs.getLong(17), rs.getLong(18), rs.getLong(19), rs.getLong(20), instant(rs, 21)));
            }
        }
        return out;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    private static Timestamp timestamp(Instant t) {
        return t == null ? null : Timestamp.from(t);
    }
}
