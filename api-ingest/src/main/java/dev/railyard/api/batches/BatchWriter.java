package dev.railyard.api.batches;

import dev.railyard.api.jobs.NewJob;
import java.io.IOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * One batch being stored, in one transaction on one connection. Jobs are written to a COPY stream as they
 * come, so PostgreSQL ingests them while the rest of the input is still being parsed. Closing without
 * {@link #finish} cancels the COPY and rolls everything back.
 */
public final class BatchWriter implements AutoCloseable {
    private final Connection connection;
    private final boolean autoCommit;
    private PGCopyOutputStream jobsCopy;
    private Writer jobsOut;
    private CopyRows jobRows;
    private boolean committed;

    BatchWriter(Connection connection) throws SQLException {
        this.connection = connection;
        try {
            this.autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    public void job(NewJob job) throws SQLException, IOException {
        if (jobRows == null) {
            jobsCopy = BatchStore.copy(connection, BatchStore.COPY_JOBS);
            jobsOut = BatchStore.writer(jobsCopy);
            jobRows = new CopyRows(jobsOut);
        }
        BatchStore.writeJobRow(jobRows, job);
    }

    /** Ends the jobs' COPY, inserts the batch row and its rejected lines, and commits. {@code callbackUrl} may be null. */
    public void finish(StoredBatch batch, String tenant, String callbackUrl, List<LineError> lineErrors)
            throws SQLException, IOException {
        if (jobsOut != null) {
            jobsOut.close();
            jobsOut = null;
        }
        BatchStore.insertHeader(connection, batch, tenant, callbackUrl);
        if (!lineErrors.isEmpty()) {
            try (Writer out = BatchStore.writer(BatchStore.copy(connection, BatchStore.COPY_LINE_ERRORS))) {
                BatchStore.writeLineErrorRows(new CopyRows(out), batch.id(), lineErrors);
            }
        }
        connection.commit();
        committed = true;
    }

    @Override
    public void close() throws SQLException {
        try {
            if (!committed) {
                if (jobsOut != null && jobsCopy.isActive()) {
                    jobsCopy.cancelCopy();
                }
                connection.rollback();
            }
            connection.setAutoCommit(autoCommit);
        } finally {
            connection.close();
        }
    }
}
