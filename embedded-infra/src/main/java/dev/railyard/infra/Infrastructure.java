package dev.railyard.infra;

import java.nio.file.Path;

/**
 * Where Railyard's Kafka and PostgreSQL are: embedded ones started here, or external servers.
 * Closing it stops only what it started.
 */
public final class Infrastructure implements AutoCloseable {
    private final String bootstrapServers;
    private final String jdbcUrl;
    private final String dbUser;
    private final String dbPassword;
    private final EmbeddedKafka kafka;
    private final EmbeddedPostgresServer postgres;

    private Infrastructure(String bootstrapServers, String jdbcUrl, String dbUser, String dbPassword,
                           EmbeddedKafka kafka, EmbeddedPostgresServer postgres) {
        this.bootstrapServers = bootstrapServers;
        this.jdbcUrl = jdbcUrl;
        this.dbUser = dbUser;
        this.dbPassword = dbPassword;
        this.kafka = kafka;
        this.postgres = postgres;
    }

    /**
     * Uses the given servers; starts an embedded one for each that is null.
     *
     * @param kafkaPort port of an embedded broker (0: any free port)
     */
    public static Infrastructure start(Path dataDir, String externalKafka, int kafkaPort, String externalJdbcUrl,
                                       String dbUser, String dbPassword) {
        EmbeddedPostgresServer pg = null;
        EmbeddedKafka kafka = null;
        try {
            String jdbc = externalJdbcUrl;
            String user = dbUser;
            String password = dbPassword;
            if (jdbc == null) {
                pg = EmbeddedPostgresServer.start(dataDir, 0);
                jdbc = pg.jdbcUrl();
                user = pg.user();
                password = "";
            }
            String bootstrap = externalKafka;
            if (bootstrap == null) {
                kafka = EmbeddedKafka.start(dataDir, kafkaPort);
                bootstrap = kafka.bootstrapServers();
            }
            return new Infrastructure(bootstrap, jdbc, user, password, kafka, pg);
        } catch (RuntimeException e) {
            if (kafka != null) {
                kafka.close();
            }
            if (pg != null) {
                pg.close();
            }
            throw e;
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String dbUser() {
        return dbUser;
    }

    public String dbPassword() {
        return dbPassword;
    }

    public boolean embeddedKafka() {
        return kafka != null;
    }

    public boolean embeddedPostgres() {
        return postgres != null;
    }

    @Override
    public void close() {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
