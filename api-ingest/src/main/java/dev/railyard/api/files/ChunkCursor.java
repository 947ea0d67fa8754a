package dev.railyard.api.files;

import dev.railyard.api.http.JsonlStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A server-side cursor over a file's chunks, one row fetched at a time (auto-commit off and a fetch size make the
 * driver stream instead of loading every chunk).
 */
final class ChunkCursor implements JsonlStream.Source {
    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet rows;

    private ChunkCursor(Connection connection, PreparedStatement statement, ResultSet rows) {
        this.connection = connection;
        this.statement = statement;
        this.rows = rows;
    }

    static ChunkCursor open(DataSource dataSource, String sql, String fileId) throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(false);
            PreparedStatement ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            ps.setFetchSize(1);
            ps.setString(1, fileId);
            return new ChunkCursor(c, ps, ps.executeQuery());
        } catch (SQLException | RuntimeException e) {
            release(c);
            throw e;
        }
    }

    @Override
    public byte[] next() throws SQLException {
        return rows.next() ? rows.getBytes(1) : null;
    }

    @Override
    public void close() {
        try {
            rows.close();
            statement.close();
        } catch (SQLException e) {
            // The connection is released below either way, which closes what is left.
        }
        release(connection);
    }

    private static void release(Connection c) {
        try (c) {
            c.rollback(); // read-only: the pooled connection goes back clean
            c.setAutoCommit(true);
        } catch (SQLException e) {
            // A broken connection is discarded by the pool.
        }
    }
}
