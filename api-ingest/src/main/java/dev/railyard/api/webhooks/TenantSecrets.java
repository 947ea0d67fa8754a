package dev.railyard.api.webhooks;

import dev.railyard.schema.webhook.WebhookSigner;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Each tenant's webhook signing secret ({@code tenants.webhook_secret}), generated the first time it is needed. One
 * upsert does it, so two instances generating at once agree on the first secret written.
 */
final class TenantSecrets {
    static final String ENSURE = """
            insert into tenants (id, name, webhook_secret) values (?, ?, ?)
            on conflict (id) do update set webhook_secret = coalesce(tenants.webhook_secret, excluded.webhook_secret)
            returning webhook_secret""";

    private final DataSource dataSource;
    private final SecureRandom random;

    TenantSecrets(DataSource dataSource, SecureRandom random) {
        this.dataSource = dataSource;
        this.random = random;
    }

    /** Blocking. */
    String secret(String tenant) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("select webhook_secret from tenants where id = ?")) {
            select.setString(1, tenant);
            try (ResultSet rs = select.executeQuery()) {
                if (rs.next() && rs.getString(1) != null) {
                    return rs.getString(1);
                }
            }
            try (PreparedStatement ensure = c.prepareStatement(ENSURE)) {
                ensure.setString(1, tenant);
                ensure.setString(2, tenant);
                ensure.setString(3, WebhookSigner.newSecret(random));
                try (ResultSet rs = ensure.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        }
    }
}
