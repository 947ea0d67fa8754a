package dev.railyard.infra;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** A pooled PostgreSQL data source. */
public final class Database {
    private Database() {
    }

    public static HikariDataSource pool(String jdbcUrl, String user, String password, int size, String name) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(jdbcUrl);
        c.setUsername(user);
        c.setPassword(password);
        c.setMaximumPoolSize(size);
        c.setPoolName("railyard-" + name);
        // Batched inserts are rewritten into multi-row statements by the driver.
        c.addDataSourceProperty("reWriteBatchedInserts", "true");
        return new HikariDataSource(c);
    }
}
