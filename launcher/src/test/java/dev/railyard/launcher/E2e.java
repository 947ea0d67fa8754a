package dev.railyard.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.simulator.SimulatorSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Shared pieces of the end-to-end tests: a platform on the shared test servers, batch files, output parsing. */
final class E2e {
    static final ObjectMapper JSON = new ObjectMapper();

    private E2e() {
    }

    static Platform platform(SharedInfrastructure.Servers servers, Path dir, SimulatorSettings simulator) {
        return platform(servers, dir, simulator, Telemetry.off());
    }

    /** As above, the services traced with {@code telemetry}. */
    static Platform platform(SharedInfrastructure.Servers servers, Path dir, SimulatorSettings simulator, Telemetry telemetry) {
        Path config = dir.resolve("railyard.yaml");
        try (InputStream in = E2e.class.getResourceAsStream("/e2e-railyard.yaml")) {
            Files.write(config, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return platform(servers, dir, config, simulator, telemetry);
    }

    /** A platform with the configuration file {@code config}. */
    static Platform platform(SharedInfrastructure.Servers servers, Path dir, Path config, SimulatorSettings simulator,
                             Telemetry telemetry) {
        return Platform.start(PlatformSettings.embedded(dir)
                .withExternal(servers.bootstrapServers(), servers.jdbcUrl(), servers.dbUser(), servers.dbPassword())
                .withConfigFile(config)
                .withSimulator(simulator), telemetry);
    }

    /** A platform with the built-in configuration (every provider family served by the simulator). */
    static Platform defaultPlatform(SharedInfrastructure.Servers servers, Path dir) {
        return Platform.start(PlatformSettings.embedded(dir)
                .withExternal(servers.bootstrapServers(), servers.jdbcUrl(), servers.dbUser(), servers.dbPassword()));
    }

    /** {@code n} chat jobs, custom ids {@code prefix-0..n-1}; every tenth is an embedding. */
    static byte[] batch(String prefix, int n, String extraContent) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i % 10 == 9) {
                sb.append("{\"custom_id\":\"").append(prefix).append('-').append(i)
                        .append("\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{\"model\":\"text-embedding-3-small\",\"input\":\"line ")
                        .append(i).append(' ').append(extraContent).append("\",\"dimensions\":8}}\n");
            } else {
                sb.append("{\"custom_id\":\"").append(prefix).append('-').append(i)
                        .append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"")
                        .append(i % 3 == 0 ? "gpt-4.1-nano" : "gpt-4o-mini")
                        .append("\",\"max_tokens\":32,\"messages\":[{\"role\":\"user\",\"content\":\"Job ")
                        .append(prefix).append(' ').append(i).append(' ').append(extraContent).append("\"}]}}\n");
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String jobIdOf(Platform platform, String batchId, String customId) {
        try (var c = platform.dataSource().getConnection();
             var st = c.prepareStatement("select id from jobs where batch_id = ? and custom_id = ?")) {
            st.setString(1, batchId);
            st.setString(2, customId);
            try (var rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new AssertionError("no job " + customId + " in batch " + batchId);
                }
                return rs.getString(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<JsonNode> lines(Path file) {
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
