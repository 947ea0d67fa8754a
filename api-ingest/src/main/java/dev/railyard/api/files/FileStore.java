package dev.railyard.api.files;

import dev.railyard.api.http.JsonlStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import javax.sql.DataSource;

/**
 * The {@code files} rows and their content in {@code file_chunks}: written and read {@value #CHUNK_BYTES} bytes at a
 * time, so neither an upload nor a download holds a whole file in memory. Blocking: call off the event loop.
 */
public final class FileStore {
    static final int CHUNK_BYTES = 1 << 20;
    private static final String COLUMNS = "id, tenant, purpose, filename, bytes, batch_id, created_at";
    private static final String INSERT = "insert into files (" + COLUMNS + ") values (?, ?, ?, ?, 0, ?, ?)";
    private static final String INSERT_CHUNK = "insert into file_chunks (file_id, seq, data) values (?, ?, ?)";
    private static final String SET_BYTES = "update files set bytes = ? where id = ?";
    private static final String FIND = "select " + COLUMNS + " from files where id = ? and tenant = ? and deleted_at is null";
    private static final String DELETE = "update files set deleted_at = now() where id = ? and tenant = ? and deleted_at is null";
    private static final String DELETE_CHUNKS = "delete from file_chunks where file_id = ?";
    private static final String CHUNKS = "select data from file_chunks where file_id = ? order by seq";

    /** Writes a file's content to the stream it is given. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws Exception;
    }

    /** Newest first (as OpenAI lists by default) or oldest first. */
    public enum Order { ASC, DESC }

    private final DataSource dataSource;

    public FileStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Stores a file in its own transaction. */
    public StoredFile create(String id, String tenant, String purpose, String filename, Instant createdAt, Content content)
            throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                StoredFile file = insert(c, id, tenant, purpose, filename, null, createdAt, content);
                c.commit();
                return file;
            } catch (Exception e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** Stores a file on {@code c}, in the caller's transaction (the caller commits). */
    public StoredFile insert(Connection c, String id, String tenant, String purpose, String filename, String batchId,
                             Instant createdAt, Content content) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, id);
            ps.setString(2, tenant);
            ps.setString(3, purpose);
            ps.setString(4, filename);
            ps.setString(5, batchId);
            ps.setTimestamp(6, Timestamp.from(createdAt));
            ps.executeUpdate();
        }
        long bytes;
        try (ChunkWriter out = new ChunkWriter(c, id)) {
            content.writeTo(out);
            out.flushChunk();
            bytes = out.total;
        }
        try (PreparedStatement ps = c.prepareStatement(SET_BYTES)) {
            ps.setLong(1, bytes);
            ps.setString(2, id);
            ps.executeUpdate();
        }
        return new StoredFile(id, tenant, purpose, filename, bytes, batchId, createdAt);
    }

    public Optional<StoredFile> find(String tenant, String id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setString(1, id);
            ps.setString(2, tenant);
            List<StoredFile> found = read(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    /**
     * A page of the tenant's files in {@code order} of creation (ties by id).
     *
     * @param purpose only files of this purpose, or null for all
     * @param after   the id of the last file of the previous page, or null; it must be one of the tenant's files
     */
    public List<StoredFile> list(String tenant, String purpose, StoredFile after, Order order, int limit) throws SQLException {
        String compare = order == Order.DESC ? "<" : ">";
        String direction = order == Order.DESC ? "desc" : "asc";
        String sql = "select " + COLUMNS + " from files where tenant = ? and deleted_at is null"
                + (purpose == null ? "" : " and purpose = ?")
                + (after == null ? "" : " and (created_at, id) " + compare + " (?, ?)")
                + " order by created_at " + direction + ", id " + direction + " limit ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, tenant);
            if (purpose != null) {
                ps.setString(i++, purpose);
            }
            if (after != null) {
                ps.setTimestamp(i++, Timestamp.from(after.createdAt()));
                ps.setString(i++, after.id());
            }
            ps.setInt(i, limit);
            return read(ps);
        }
    }

    /** Marks the file deleted and drops its content; false when the tenant has no such file. */
    public boolean delete(String tenant, String id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement mark = c.prepareStatement(DELETE); PreparedStatement chunks = c.prepareStatement(DELETE_CHUNKS)) {
                mark.setString(1, id);
                mark.setString(2, tenant);
                boolean deleted = mark.executeUpdate() == 1;
                if (deleted) {
                    chunks.setString(1, id);
                    chunks.executeUpdate();
                }
                c.commit();
                return deleted;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** The file's content, one chunk per {@code next()}, from a server-side cursor. Close it. */
    public JsonlStream.Source chunks(String fileId) throws SQLException {
        return ChunkCursor.open(dataSource, CHUNKS, fileId);
    }

    /** The file's content as a stream, read a chunk at a time. Close it. */
    public InputStream open(String fileId) throws SQLException {
        return new ChunkInputStream(chunks(fileId));
    }

    private static List<StoredFile> read(PreparedStatement ps) throws SQLException {
        List<StoredFile> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new StoredFile(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                        rs.getString(6), rs.getTimestamp(7).toInstant()));
            }
        }
        return out;
    }

    /** Buffers writes into chunks of {@link #CHUNK_BYTES} and inserts each as it fills. */
    private static final class ChunkWriter extends OutputStream {
        private final PreparedStatement insert;
        private final String fileId;
        private final byte[] buffer = new byte[CHUNK_BYTES];
        private int filled;
        private int seq;
        private long total;

        ChunkWriter(Connection c, String fileId) throws SQLException {
            this.insert = c.prepareStatement(INSERT_CHUNK);
            this.fileId = fileId;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, buffer.length - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
                total += n;
                if (filled == buffer.length) {
                    flushChunk();
                }
            }
        }

        void flushChunk() throws IOException {
            if (filled == 0) {
                return;
            }
            try {
                insert.setString(1, fileId);
                insert.setInt(2, seq++);
                insert.setBytes(3, filled == buffer.length ? buffer : Arrays.copyOf(buffer, filled));
                insert.executeUpdate();
            } catch (SQLException e) {
                throw new IOException("storing file " + fileId + " failed: " + e.getMessage(), e);
            }
            filled = 0;
        }

        @Override
        public void close() throws IOException {
            try {
                insert.close();
            } catch (SQLException e) {
                throw new IOException(e);
            }
        }
    }
}
