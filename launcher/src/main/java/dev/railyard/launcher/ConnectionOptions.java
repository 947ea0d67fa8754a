package dev.railyard.launcher;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Kafka, PostgreSQL and railyard.yaml: the same flags and variables for `up`, `run` and every service process. */
final class ConnectionOptions {
    @Option(names = "--kafka", defaultValue = "${env:RAILYARD_KAFKA}",
            description = "Bootstrap servers of an existing Kafka cluster (env RAILYARD_KAFKA).")
    String kafka;

    @Option(names = "--database", defaultValue = "${env:RAILYARD_DATABASE_URL}",
            description = "JDBC URL of an existing PostgreSQL (env RAILYARD_DATABASE_URL).")
    String database;

    @Option(names = "--database-user", defaultValue = "${env:RAILYARD_DATABASE_USER:-postgres}",
            description = "Database user (env RAILYARD_DATABASE_USER).")
    String databaseUser;

    @Option(names = "--database-password", defaultValue = "${env:RAILYARD_DATABASE_PASSWORD:-}", arity = "0..1",
            description = "Database password (env RAILYARD_DATABASE_PASSWORD).")
    String databasePassword;

    @Option(names = "--config", defaultValue = "${env:RAILYARD_CONFIG}",
            description = "railyard.yaml (env RAILYARD_CONFIG); none uses the built-in catalog.")
    Path config;
}
