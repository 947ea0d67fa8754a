package dev.railyard.bench.flow;

import dev.railyard.launcher.Platform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** What the flow-control benchmarks share: arguments, batch input, a config file, waiting on the jobs table. */
final class FlowSupport {
    private FlowSupport() {
    }

    /** {@code --name value} pairs and bare {@code --flag}s. */
    static Map<String, String> args(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
            }
            String name = args[i].substring(2);
            if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                out.put(name, args[++i]);
            } else {
                out.put(name, "true");
            }
        }
        return out;
    }

    static long number(Map<String, String> args, String name, long fallback) {
        String v = args.get(name);
        return v == null ? fallback : Long.parseLong(v);
    }

    static Path writeConfig(String yaml) throws Exception {
        Path file = Files.createTempFile("railyard-flow-", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** A batch input file of {@code n} small chat requests for {@code model}. */
    static byte[] jsonl(String prefix, int n, String model) {
        StringBuilder sb = new StringBuilder(n * 200);
        for (int i = 0; i < n; i++) {
            sb.append("{\"custom_id\":\"").append(prefix).append('-').append(i)
                    .append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"").append(model)
                    .append("\",\"max_tokens\":32,")
                    .append("\"messages\":[{\"role\":\"user\",\"content\":\"Flow job ").append(i)
                    .append(": one line on back-pressure.\"}]}}\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Jobs of these batches no longer queued (succeeded, failed, cancelled...). */
    static long terminal(Platform platform, String sqlCondition, Object... params) throws SQLException {
        try (Connection c = platform.dataSource().getConnection();
             PreparedStatement st = c.prepareStatement("select count(*) from jobs where state <> 'queued' and " + sqlCondition)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static void awaitTerminal(Platform platform, long total, long timeoutMs, String sqlCondition, Object... params)
            throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        long done;
        while ((done = terminal(platform, sqlCondition, params)) < total) {
            if (System.currentTimeMillis() > deadline) {
                System.out.printf("  (gave up waiting: %d of %d jobs finished after %d s)%n", done, total, timeoutMs / 1000);
                return;
            }
            Thread.sleep(100);
        }
    }
}
