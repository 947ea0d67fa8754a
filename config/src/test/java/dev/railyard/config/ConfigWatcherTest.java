package dev.railyard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWatcherTest {
    private static final String VALID = """
            providers:
              openai: { type: openai-compatible, base_url: "https://api.openai.com/v1", api_key: "sk-test" }
            models:
              gpt-4o-mini: { owned_by: openai, kind: chat, input_per_million: %s, output_per_million: 0.60, context_window: 128000 }
            deployments:
              - { id: openai-gpt-4o-mini, provider: openai, model: gpt-4o-mini }
            """;

    private final ConfigLoader loader = new ConfigLoader(Map.of());
    private final List<RailyardConfig> applied = new ArrayList<>();

    private ConfigWatcher watcher(Path file) {
        return new ConfigWatcher(file, loader, c -> c, applied::add, Duration.ofHours(1), Clock.systemUTC());
    }

    @Test
    void a_valid_change_is_applied_once(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("railyard.yaml");
        Files.writeString(file, VALID.formatted("0.15"));
        ConfigWatcher watcher = watcher(file);

        assertThat(watcher.check().reloads()).isZero();
        assertThat(applied).isEmpty();

        Files.writeString(file, VALID.formatted("0.25"));
        ConfigWatcher.Status status = watcher.check();
        watcher.check();

        assertThat(status.reloads()).isEqualTo(1);
        assertThat(status.problems()).isEmpty();
        assertThat(applied).hasSize(1);
        assertThat(applied.getFirst().models().get("gpt-4o-mini").prices().initial().inputPerMillion()).isEqualByComparingTo("0.25");
    }

    @Test
    void an_invalid_file_is_rejected_with_its_reason_and_the_old_configuration_stays(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("railyard.yaml");
        Files.writeString(file, VALID.formatted("0.15"));
        ConfigWatcher watcher = watcher(file);
        String inUse = watcher.status().applied();

        Files.writeString(file, VALID.formatted("0.15").replace("provider: openai", "provider: nobody"));
        ConfigWatcher.Status status = watcher.check();

        assertThat(applied).isEmpty();
        assertThat(status.applied()).isEqualTo(inUse);
        assertThat(status.rejected()).isNotNull();
        assertThat(status.problems()).anySatisfy(p -> assertThat(p).contains("deployments[0].provider"));

        // Fixed: applied, and the rejection is cleared.
        Files.writeString(file, VALID.formatted("0.30"));
        status = watcher.check();
        assertThat(applied).hasSize(1);
        assertThat(status.problems()).isEmpty();
        assertThat(status.rejected()).isNull();
    }

    @Test
    void a_file_that_is_not_yaml_or_cannot_be_prepared_is_rejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("railyard.yaml");
        Files.writeString(file, VALID.formatted("0.15"));
        ConfigWatcher refusing = new ConfigWatcher(file, loader,
                c -> { throw new ConfigException("test", List.of("providers.openai: needs the simulator")); },
                applied::add, Duration.ofHours(1), Clock.systemUTC());

        Files.writeString(file, "providers: [unclosed");
        assertThat(refusing.check().problems()).anySatisfy(p -> assertThat(p).contains("not valid YAML"));

        Files.writeString(file, VALID.formatted("0.40"));
        assertThat(refusing.check().problems()).containsExactly("providers.openai: needs the simulator");
        assertThat(applied).isEmpty();
    }

    @Test
    void a_change_that_fails_to_apply_keeps_the_old_version_in_use(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("railyard.yaml");
        Files.writeString(file, VALID.formatted("0.15"));
        ConfigWatcher failing = new ConfigWatcher(file, loader, c -> c,
                c -> { throw new IllegalStateException("broker unreachable"); }, Duration.ofHours(1), Clock.systemUTC());
        String inUse = failing.status().applied();

        Files.writeString(file, VALID.formatted("0.50"));
        ConfigWatcher.Status status = failing.check();

        assertThat(status.applied()).isEqualTo(inUse);
        assertThat(status.problems()).containsExactly("not applied: broker unreachable");
    }

    @Test
    void the_watch_thread_picks_up_a_change(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("railyard.yaml");
        Files.writeString(file, VALID.formatted("0.15"));
        List<RailyardConfig> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ConfigWatcher watcher = new ConfigWatcher(file, loader, c -> c, seen::add, Duration.ofMillis(20), Clock.systemUTC()).start()) {
            Files.writeString(file, VALID.formatted("0.35"));
            for (int i = 0; i < 500 && seen.isEmpty(); i++) {
                Thread.sleep(10);
            }
            assertThat(seen).hasSize(1);
            assertThat(watcher.status().reloads()).isEqualTo(1);
        }
    }
}
