package dev.railyard.launcher;

import dev.railyard.config.ConfigException;
import dev.railyard.config.RailyardConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What a reloaded railyard.yaml must satisfy beyond being valid: what the running process can serve. */
final class ReloadedConfig {
    /** How often the file is checked (env RAILYARD_CONFIG_CHECK_SECONDS); {@code POST /v1/admin/config/reload} checks at once. */
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(Long.parseLong(
            System.getenv().getOrDefault("RAILYARD_CONFIG_CHECK_SECONDS", "5")));

    private ReloadedConfig() {
    }

    /**
     * Points providers without a key at the simulator this process runs or was given; with none, a configuration
     * that needs one is refused (the simulator is started with the process, not by a reload).
     */
    static RailyardConfig prepare(RailyardConfig loaded, String simulatorRoot, Path file) {
        if (!loaded.needsSimulator()) {
            return loaded;
        }
        if (simulatorRoot == null) {
            throw new ConfigException(file.toString(), List.of("providers: some have no API key and no simulator serves them "
                    + "in this process (it starts with the process, not on reload): give their keys or restart"));
        }
        return loaded.withSimulator(simulatorRoot);
    }
}
