package dev.railyard.api.idempotency;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@code idempotency_keys} rows. A key is claimed before its request runs; the claim's creation time is its
 * token, so only the request that claimed a key completes or releases it, even after a stale claim was taken over.
 * Blocking: call off the event loop.
 */
final class IdempotencyStore {
    // A new key, an expired one, or one whose request has been in flight past the lease (its instance died) is taken.
    private static final String CLAIM = """
            insert into idempotency_keys (tenant, key, method, path, request_hash, created_at, expires_at)
            values (?, ?, ?, ?, ?, clock_timestamp(), clock_timestamp() + make_interval(secs => ?))
            on conflict (tenant, key) do update
                set method = excluded.method, path = excluded.path, request_hash = excluded.request_hash, status = null,
                    response_headers = null, response_body = null, created_at = excluded.created_at,
                    expires_at = excluded.expires_at
                where idempotency_keys.expires_at <= clock_timestamp()
                   or (idempotency_keys.status is null and idempotency_keys.created_at < clock_timestamp() - make_interval(secs => ?))
            returning created_at""";
    private static final String FIND = """
            select request_hash, status, response_headers::text, response_body from idempotency_keys
            where tenant = ? and key = ? and expires_at > clock_timestamp()""";
    private static final String COMPLETE = """
            update idempotency_keys set status = ?, response_headers = ?::jsonb, response_body = ?
            where tenant = ? and key = ? and created_at = ? and status is null""";
    private static final String RELEASE = "delete from idempotency_keys where tenant = ? and key = ? and created_at = ? and status is null";
    private static final String PURGE = "delete from idempotency_keys where expires_at <= clock_timestamp()";

    /** A key someone else holds: its request's hash and, once answered, the answer. */
    record Held(byte[] requestHash, Integer status, String headersJson, byte[] body) {
        boolean inFlight() {
            return status == null;
        }
    }

    private final DataSource dataSource;

    IdempotencyStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The claim's token, or empty when the key is held by another request (in flight or answered). */
    Optional<Instant> claim(String tenant, String key, String method, String path, byte[] hash, Duration retention,
                            Duration lease) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(CLAIM)) {
            ps.setString(1, tenant);
            ps.setString(2, key);
            ps.setString(3, method);
            ps.setString(4, path);
            ps.setBytes(5, hash);
            ps.setDouble(6, retention.toSeconds());
            ps.setDouble(7, lease.toSeconds());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getTimestamp(1).toInstant()) : Optional.empty();
            }
        }
    }

    Optional<Held> find(String tenant, String key) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setString(1, tenant);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Held(rs.getBytes(1), rs.getObject(2, Integer.class), rs.getString(3), rs.getBytes(4)));
            }
        }
    }

    void complete(String tenant, String key, Instant token, int status, String headersJson, byte[] body) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(COMPLETE)) {
            ps.setInt(1, status);
            ps.setString(2, headersJson);
            ps.setBytes(3, body);
            ps.setString(4, tenant);
            ps.setString(5, key);
            ps.setTimestamp(6, Timestamp.from(token));
            ps.executeUpdate();
        }
    }

    /** Frees a claim whose request got no answer worth replaying (a server error), so a retry runs again. */
    void release(String tenant, String key, Instant token) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RELEASE)) {
            ps.setString(1, tenant);
            ps.setString(2, key);
            ps.setTimestamp(3, Timestamp.from(token));
            ps.executeUpdate();
        }
    }

    int purgeExpired() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(PURGE)) {
            return ps.executeUpdate();
        }
    }
}
