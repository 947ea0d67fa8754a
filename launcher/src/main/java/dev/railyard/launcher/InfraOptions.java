package dev.railyard.launcher;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where Kafka, PostgreSQL and the configuration are; embedded servers when none is given. */
final class InfraOptions {
    @Option(names = "--data-dir", defaultValue = "${env:RAILYARD_DATA_DIR:-.railyard}",
            description = "State of the embedded Kafka and PostgreSQL (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    /** None given: Kafka and PostgreSQL start embedded. */
    @Mixin
    ConnectionOptions connection;

    PlatformSettings settings() {
        return PlatformSettings.embedded(dataDir.toAbsolutePath())
                .withExternal(blankToNull(connection.kafka), blankToNull(connection.database), connection.databaseUser,
                        connection.databasePassword)
                .withConfigFile(connection.config);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
