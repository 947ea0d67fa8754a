package dev.railyard.api.auth;

import dev.railyard.api.http.ApiException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/** The {@code api_keys} rows. Blocking: call off the event loop. */
public final class ApiKeyStore {
    private static final String COLUMNS = "id, tenant, name, scopes, prefix, requests_per_minute, created_at, last_used_at, revoked_at";
    /** Serialises key creation, so "is this the first key?" has one answer however many instances ask at once. */
    private static final String LOCK = "select pg_advisory_xact_lock(hashtext('railyard.api_keys'))";
    private static final String ANY = "select exists (select 1 from api_keys)";
    private static final String INSERT_TENANT = "insert into tenants (id, name) values (?, ?) on conflict (id) do nothing";
    private static final String INSERT = "insert into api_keys (id, tenant, name, scopes, hash, prefix, requests_per_minute)"
            + " values (?, ?, ?, ?, ?, ?, ?) returning " + COLUMNS;
    private static final String LIST_ALL = "select " + COLUMNS + " from api_keys order by created_at, id";
    private static final String LIST_TENANT = "select " + COLUMNS + " from api_keys where tenant = ? order by created_at, id";
    private static final String FIND = "select " + COLUMNS + " from api_keys where id = ?";
    private static final String REVOKE = "update api_keys set revoked_at = coalesce(revoked_at, now()) where id = ? returning " + COLUMNS;
    // A lookup is also the use that last_used_at records; revoked keys are not found.
    private static final String USE = "update api_keys set last_used_at = now() where hash = ? and revoked_at is null returning "
            + COLUMNS + ", hash";

    private final DataSource dataSource;

    public ApiKeyStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Stores a new key (creating its tenant if unknown). The first key ever created must carry the admin scope:
     * from then on every request needs a key, and without an admin key no further key could be made.
     *
     * @param bootstrap the request came without a key: allowed only while no key exists
     */
    public ApiKey create(NewKey key, String id, byte[] hash, String prefix, boolean bootstrap) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute(LOCK);
                }
                boolean first = !anyExists(c);
                if (bootstrap && !first) {
                    throw new ApiException(401, "invalid_api_key", null,
                            "an API key is required: keys exist now, so a key can no longer be created without one");
                }
                if (first && !key.scopes().contains(Scope.ADMIN)) {
                    throw ApiException.invalid("first_key_needs_admin", "scopes", "the first API key must have the admin"
                            + " scope: once it exists every request needs a key, and only an admin key can create more");
                }
                try (PreparedStatement ps = c.prepareStatement(INSERT_TENANT)) {
                    ps.setString(1, key.tenant());
                    ps.setString(2, key.tenant());
                    ps.executeUpdate();
                }
                ApiKey created;
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    ps.setString(1, id);
                    ps.setString(2, key.tenant());
                    ps.setString(3, key.name());
                    ps.setArray(4, c.createArrayOf("text", EnumSet.copyOf(key.scopes()).stream().map(Scope::code).toArray()));
                    ps.setBytes(5, hash);
                    ps.setString(6, prefix);
                    if (key.requestsPerMinute() == null) {
                        ps.setNull(7, Types.INTEGER);
                    } else {
                        ps.setInt(7, key.requestsPerMinute());
                    }
                    created = one(ps).orElseThrow();
                }
                c.commit();
                return created;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    public boolean anyExists() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return anyExists(c);
        }
    }

    private static boolean anyExists(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ANY)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** @param tenant only this tenant's keys, or null for all */
    public List<ApiKey> list(String tenant) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(tenant == null ? LIST_ALL : LIST_TENANT)) {
            if (tenant != null) {
                ps.setString(1, tenant);
            }
            List<ApiKey> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        }
    }

    public Optional<ApiKey> find(String id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setString(1, id);
            return one(ps);
        }
    }

    /** Revokes a key; revoking it again keeps the first revocation time. Empty when there is no such key. */
    public Optional<ApiKey> revoke(String id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(REVOKE)) {
            ps.setString(1, id);
            return one(ps);
        }
    }

    /** The live (unrevoked) key with this secret hash, recording the use; empty for an unknown or revoked key. */
    public Optional<ApiKey> use(byte[] hash) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(USE)) {
            ps.setBytes(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                // The index found the row by hash; comparing again in constant time keeps the check itself timing-safe.
                if (!rs.next() || !KeySecrets.sameHash(hash, rs.getBytes("hash"))) {
                    return Optional.empty();
                }
                return Optional.of(read(rs));
            }
        }
    }

    private static Optional<ApiKey> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
    }

    private static ApiKey read(ResultSet rs) throws SQLException {
        Array array = rs.getArray("scopes");
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (Object code : (Object[]) array.getArray()) {
            Scope.of((String) code).ifPresent(scopes::add);
        }
        return new ApiKey(rs.getString("id"), rs.getString("tenant"), rs.getString("name"), scopes, rs.getString("prefix"),
                rs.getObject("requests_per_minute", Integer.class), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("last_used_at")), instant(rs.getTimestamp("revoked_at")));
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
