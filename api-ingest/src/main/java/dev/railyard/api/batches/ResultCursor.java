package dev.railyard.api.batches;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.railyard.api.http.JsonlStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A server-side PostgreSQL cursor over result rows, rendered to JSONL a chunk of {@value #CHUNK_ROWS} rows at
 * a time (auto-commit off and a fetch size are what make the driver stream instead of loading every row).
 */
public final class ResultCursor implements JsonlStream.Source {
    static final int CHUNK_ROWS = 1000;

    /** Renders the current row as one line. */
    public interface RowWriter {
        void write(ResultSet row, JsonGenerator out) throws SQLException, IOException;
    }

    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet rows;
    private final JsonFactory json;
    private final RowWriter writer;
    private boolean exhausted;

    private ResultCursor(Connection connection, PreparedStatement statement, ResultSet rows, JsonFactory json, RowWriter writer) {
        this.connection = connection;
        this.statement = statement;
        this.rows = rows;
        this.json = json;
        this.writer = writer;
    }

    /** Runs {@code sql} with every parameter bound to {@code batchId}. */
    public static ResultCursor open(DataSource dataSource, String sql, int parameters, String batchId, JsonFactory json,
                             RowWriter writer) throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(false);
            PreparedStatement ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            ps.setFetchSize(CHUNK_ROWS);
            for (int i = 1; i <= parameters; i++) {
                ps.setString(i, batchId);
            }
            return new ResultCursor(c, ps, ps.executeQuery(), json, writer);
        } catch (SQLException | RuntimeException e) {
            rollbackAndClose(c);
            throw e;
        }
    }

    @Override
    public byte[] next() throws SQLException, IOException {
        if (exhausted) {
            return null;
        }
        ByteArrayOutputStream chunk = new ByteArrayOutputStream(64 * 1024);
        int n = 0;
        try (JsonGenerator out = json.createGenerator(chunk)) {
            out.setRootValueSeparator(null); // lines are ended with '\n' by the writer, not separated by spaces
            while (n < CHUNK_ROWS && rows.next()) {
                writer.write(rows, out);
                n++;
            }
        }
        if (n < CHUNK_ROWS) {
            exhausted = true;
        }
        return n == 0 ? null : chunk.toByteArray();
    }

    @Override
    public void close() {
        try {
            rows.close();
            statement.close();
        } catch (SQLException e) {
            // The connection is closed below either way, which closes what is left.
        }
        rollbackAndClose(connection);
    }

    private static void rollbackAndClose(Connection c) {
        try (c) {
            c.rollback(); // read-only: nothing to keep, and the pooled connection goes back clean
            c.setAutoCommit(true);
        } catch (SQLException e) {
            // A broken connection is discarded by the pool.
        }
    }
}
