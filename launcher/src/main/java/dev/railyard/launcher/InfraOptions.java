package dev.railyard.launcher;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where Kafka, PostgreSQL and the configuration are; embedded servers when none is given. */
final class InfraOptions {
    @Option(names = "--data-dir", defaultValue = "${env:RAILYARD_DATA_DIR:-.railyard}",
            description = "State of the embedded Kafka and PostgreSQL (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--kafka", defaultValue = "${env:RAILYARD_KAFKA}",
            description = "Bootstrap servers of an existing Kafka cluster (env RAILYARD_KAFKA); none starts one embedded.")
    String kafka;

    @Option(names = "--database", defaultValue = "${env:RAILYARD_DATABASE_URL}",
            description = "JDBC URL of an existing PostgreSQL (env RAILYARD_DATABASE_URL); none starts one embedded.")
    String database;

    @Option(names = "--database-user", defaultValue = "${env:RAILYARD_DATABASE_USER:-postgres}",
            description = "Database user (env RAILYARD_DATABASE_USER).")
    String databaseUser;

    @Option(names = "--database-password", defaultValue = "${env:RAILYARD_DATABASE_PASSWORD:-}",
            description = "Database password (env RAILYARD_DATABASE_PASSWORD).", arity = "0..1")
    String databasePassword;

    @Option(names = "--config", defaultValue = "${env:RAILYARD_CONFIG}",
            description = "railyard.yaml (env RAILYARD_CONFIG); none uses the built-in catalog.")
    Path config;

    PlatformSettings settings() {
        return PlatformSettings.embedded(dataDir.toAbsolutePath())
                .withExternal(blankToNull(kafka), blankToNull(database), databaseUser, databasePassword)
                .withConfigFile(config);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
