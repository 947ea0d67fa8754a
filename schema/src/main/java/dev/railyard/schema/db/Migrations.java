package dev.railyard.schema.db;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Applies Railyard's Flyway migrations. Every service that needs the database calls this at start;
 * Flyway's PostgreSQL advisory lock makes concurrent starts safe.
 */
public final class Migrations {
    private final DataSource dataSource;

    public Migrations(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Returns the number of migrations applied now (0 when the schema was current). */
    public int migrate() {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate()
                .migrationsExecuted;
    }
}
