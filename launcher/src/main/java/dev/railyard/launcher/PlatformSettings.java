package dev.railyard.launcher;

import dev.railyard.api.webhooks.WebhookSettings;
import dev.railyard.simulator.SimulatorSettings;
import java.nio.file.Path;

/**
 * How to start the platform in this process.
 *
 * @param dataDir      where embedded Kafka and PostgreSQL keep their state
 * @param kafka        an external broker's bootstrap servers, or null to start one embedded
 * @param kafkaPort    the embedded broker's port (0: any free port)
 * @param database     an external PostgreSQL JDBC URL, or null to start one embedded
 * @param configFile   railyard.yaml, or null for the built-in configuration
 * @param apiPort      the REST API's port (0: any free port)
 * @param partitions   partitions of the job topics when this process creates them
 * @param webhooks     job and batch webhook delivery (docs/webhooks.md); private targets refused by default
 */
public record PlatformSettings(
        Path dataDir,
        String kafka,
        int kafkaPort,
        String database,
        String dbUser,
        String dbPassword,
        Path configFile,
        String apiHost,
        int apiPort,
        int partitions,
        SimulatorSettings simulator,
        WebhookSettings webhooks) {

    public static PlatformSettings embedded(Path dataDir) {
        return new PlatformSettings(dataDir, null, 0, null, null, null, null, "127.0.0.1", 0, 4, SimulatorSettings.defaults(),
                WebhookSettings.defaults());
    }

    public PlatformSettings withApi(String host, int port) {
        return new PlatformSettings(dataDir, kafka, kafkaPort, database, dbUser, dbPassword, configFile, host, port, partitions, simulator, webhooks);
    }

    public PlatformSettings withKafkaPort(int port) {
        return new PlatformSettings(dataDir, kafka, port, database, dbUser, dbPassword, configFile, apiHost, apiPort, partitions, simulator, webhooks);
    }

    public PlatformSettings withSimulator(SimulatorSettings settings) {
        return new PlatformSettings(dataDir, kafka, kafkaPort, database, dbUser, dbPassword, configFile, apiHost, apiPort, partitions, settings, webhooks);
    }

    public PlatformSettings withConfigFile(Path file) {
        return new PlatformSettings(dataDir, kafka, kafkaPort, database, dbUser, dbPassword, file, apiHost, apiPort, partitions, simulator, webhooks);
    }

    public PlatformSettings withExternal(String kafkaServers, String jdbcUrl, String user, String password) {
        return new PlatformSettings(dataDir, kafkaServers, kafkaPort, jdbcUrl, user, password, configFile, apiHost, apiPort, partitions, simulator, webhooks);
    }

    public PlatformSettings withWebhooks(WebhookSettings settings) {
        return new PlatformSettings(dataDir, kafka, kafkaPort, database, dbUser, dbPassword, configFile, apiHost, apiPort, partitions, simulator,
                settings);
    }
}
