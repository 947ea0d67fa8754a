package dev.railyard.launcher;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where a service process finds Kafka, PostgreSQL, its configuration and the simulator, and its admin port. */
final class ServiceOptions {
    /** Required here: a service process never starts Kafka or PostgreSQL itself. */
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--simulator", defaultValue = "${env:RAILYARD_SIMULATOR_URL}",
            description = "Root URL of a provider simulator serving the providers that have no API key (env RAILYARD_SIMULATOR_URL).")
    String simulator;

    @Option(names = "--admin-host", defaultValue = "${env:RAILYARD_ADMIN_HOST:-0.0.0.0}",
            description = "Host of the admin port (default: ${DEFAULT-VALUE}).")
    String adminHost;

    @Option(names = "--admin-port", defaultValue = "${env:RAILYARD_ADMIN_PORT:-9400}",
            description = "Admin port: /metrics, /health/live, /health/ready (default: ${DEFAULT-VALUE}; 0 picks a free port).")
    int adminPort;

    @Option(names = "--partitions", defaultValue = "${env:RAILYARD_PARTITIONS:-4}",
            description = "Partitions of the job topics when this process creates them (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "${env:RAILYARD_REPLICATION_FACTOR:-1}",
            description = "Replication factor of the topics this process creates (default: ${DEFAULT-VALUE}).")
    short replicationFactor;

    @Option(names = "--drain-seconds", defaultValue = "${env:RAILYARD_DRAIN_SECONDS:-5}",
            description = "After readiness turns false on SIGTERM, how long to keep serving before intake stops, so load "
                    + "balancers notice (default: ${DEFAULT-VALUE}).")
    long drainSeconds;

    Duration drain() {
        return Duration.ofSeconds(drainSeconds);
    }
}
