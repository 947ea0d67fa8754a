package dev.railyard.api.batches;

import dev.railyard.api.Ids;
import dev.railyard.api.files.FileRoutes;
import dev.railyard.api.files.FileStore;
import dev.railyard.api.http.Blocking;
import dev.railyard.api.http.JsonlStream;
import dev.railyard.schema.event.JobState;
import dev.railyard.schema.event.Outcome;
import io.vertx.core.Vertx;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes batches whose jobs have all ended: writes the output file (succeeded jobs) and the error file (failed
 * jobs and rejected lines) as files of purpose {@code batch_output} owned by the batch's tenant, and marks the batch
 * finalized, in one transaction. Until then the batch shows {@code finalizing} (or {@code cancelling}). Runs every
 * {@code interval} on a worker thread; the batch row is locked ({@code for update skip locked}), so several
 * api-ingest instances finalize each batch once.
 */
public final class BatchFinalizer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchFinalizer.class);
    private static final int PER_ROUND = 20;
    private static final String DUE = """
            select b.id from batches b
            where b.finalized_at is null and b.status = 'in_progress'
              and not exists (select 1 from jobs j where j.batch_id = b.id and j.state = '%s')
            order by b.created_at limit %d""".formatted(JobState.QUEUED, PER_ROUND);
    private static final String LOCK = """
            select tenant, invalid_lines from batches
            where id = ? and finalized_at is null and status = 'in_progress' for update skip locked""";
    private static final String COUNTS = """
            select count(*) filter (where state = '%s'), count(*) filter (where state in (%s)),
                   count(*) filter (where state = '%s')
            from jobs where batch_id = ?""".formatted(Outcome.SUCCEEDED.code(), BatchStore.FAILURE_STATES, JobState.QUEUED);
    private static final String FINALIZE = "update batches set finalized_at = ?, output_file_id = ?, error_file_id = ? where id = ?";

    private final DataSource dataSource;
    private final FileStore files;
    private final BatchResults results;
    private final Ids ids;
    private final Clock clock;
    private final AtomicBoolean busy = new AtomicBoolean();
    private Vertx vertx;
    private long timer = -1;

    public BatchFinalizer(DataSource dataSource, FileStore files, BatchResults results, Ids ids, Clock clock) {
        this.dataSource = dataSource;
        this.files = files;
        this.results = results;
        this.ids = ids;
        this.clock = clock;
    }

    /** Looks for finished batches every {@code interval}; one round at a time. */
    public void start(Vertx vertx, Blocking blocking, Duration interval) {
        this.vertx = vertx;
        this.timer = vertx.setPeriodic(interval.toMillis(), id -> {
            if (busy.compareAndSet(false, true)) {
                blocking.run(this::finalizeDue)
                        .onFailure(e -> log.warn("finalizing batches failed, retrying: {}", e.toString()))
                        .onComplete(done -> busy.set(false));
            }
        });
    }

    /** Finalizes the batches whose jobs have all ended; returns how many. Blocking. */
    public int finalizeDue() throws Exception {
        List<String> due = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DUE);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                due.add(rs.getString(1));
            }
        }
        int done = 0;
        for (String batchId : due) {
            done += finalizeOne(batchId) ? 1 : 0;
        }
        return done;
    }

    private boolean finalizeOne(String batchId) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                boolean done = finalizeLocked(c, batchId);
                c.commit();
                return done;
            } catch (Exception e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private boolean finalizeLocked(Connection c, String batchId) throws Exception {
        String tenant;
        int invalidLines;
        try (PreparedStatement ps = c.prepareStatement(LOCK)) {
            ps.setString(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false; // finalized meanwhile, or another instance is at it
                }
                tenant = rs.getString(1);
                invalidLines = rs.getInt(2);
            }
        }
        long succeeded;
        long failed;
        try (PreparedStatement ps = c.prepareStatement(COUNTS)) {
            ps.setString(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(3) > 0) {
                    return false; // a job was added since the look-up: not finished after all
                }
                succeeded = rs.getLong(1);
                failed = rs.getLong(2) + invalidLines;
            }
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String outputId = null;
        String errorId = null;
        if (succeeded > 0) {
            outputId = ids.fileId();
            files.insert(c, outputId, tenant, FileRoutes.BATCH_OUTPUT, batchId + "_output.jsonl", batchId, now,
                    out -> copy(results.output(tenant, batchId), out));
        }
        if (failed > 0) {
            errorId = ids.fileId();
            files.insert(c, errorId, tenant, FileRoutes.BATCH_OUTPUT, batchId + "_error.jsonl", batchId, now,
                    out -> copy(results.errors(tenant, batchId), out));
        }
        try (PreparedStatement ps = c.prepareStatement(FINALIZE)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, outputId);
            ps.setString(3, errorId);
            ps.setString(4, batchId);
            ps.executeUpdate();
        }
        return true;
    }

    private static void copy(JsonlStream.Source source, OutputStream out) throws Exception {
        try (source) {
            byte[] chunk;
            while ((chunk = source.next()) != null) {
                out.write(chunk);
            }
        }
    }

    @Override
    public void close() {
        if (vertx != null && timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
