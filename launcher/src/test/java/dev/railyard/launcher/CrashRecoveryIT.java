package dev.railyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.simulator.SimulatorSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Workers killed mid-batch and started again on the same Kafka and PostgreSQL: nothing lost, nothing doubled. */
@ExtendWith(SharedInfrastructure.class)
class CrashRecoveryIT {

    @Test
    void workers_crashed_mid_batch_resume_and_every_job_ends_exactly_once(SharedInfrastructure.Servers servers,
                                                                          @TempDir Path dir) throws Exception {
        try (Platform platform = E2e.platform(servers, dir, new SimulatorSettings(0, 40, 20, 0.05, 10, 2500, 7))) {
            RailyardClient client = new RailyardClient(platform.apiBaseUrl());
            JsonNode batch = client.submitBatch(E2e.batch("crash", 1500, ""));
            String batchId = batch.path("id").asText();

            // Crash once some, but not all, results are durable.
            long done = waitForTerminal(platform, batchId, 200, Duration.ofSeconds(60));
            assertThat(done).isBetween(200L, 1499L);
            platform.crashWorkers();
            long atCrash = terminal(platform, batchId);
            platform.restartWorkers();

            long finished = waitForTerminal(platform, batchId, 1500, Duration.ofMinutes(3));
            assertThat(finished).isEqualTo(1500);
            assertThat(atCrash).isLessThan(1500);

            Path output = dir.resolve("out.jsonl");
            client.download("/v1/batches/" + batchId + "/output", output);
            List<JsonNode> lines = E2e.lines(output);
            Map<String, Long> perCustomId = lines.stream().collect(Collectors.groupingBy(l -> l.path("custom_id").asText(), Collectors.counting()));
            assertThat(perCustomId).hasSize(1500).allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));

            try (Connection c = platform.dataSource().getConnection()) {
                // Each job's ledger entries add up to exactly the cost recorded on the job: no attempt billed twice.
                try (PreparedStatement st = c.prepareStatement("""
                        select count(*) from jobs j
                        where j.batch_id = ? and j.cost is distinct from
                              (select coalesce(sum(l.cost), 0) from spend_ledger l where l.job_id = j.id)""")) {
                    st.setString(1, batchId);
                    try (ResultSet rs = st.executeQuery()) {
                        rs.next();
                        assertThat(rs.getLong(1)).isZero();
                    }
                }
                // A succeeded job has exactly one billed attempt (its success), even if the call was repeated after the crash.
                try (PreparedStatement st = c.prepareStatement("""
                        select count(*) from jobs j where j.batch_id = ? and j.state = 'succeeded'
                          and (select count(*) from spend_ledger l where l.job_id = j.id) <> 1""")) {
                    st.setString(1, batchId);
                    try (ResultSet rs = st.executeQuery()) {
                        rs.next();
                        assertThat(rs.getLong(1)).isZero();
                    }
                }
            }
        }
    }

    private static long waitForTerminal(Platform platform, String batchId, long target, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long n = 0;
        while (System.nanoTime() < deadline) {
            n = terminal(platform, batchId);
            if (n >= target) {
                return n;
            }
            Thread.sleep(50);
        }
        return n;
    }

    private static long terminal(Platform platform, String batchId) throws Exception {
        try (Connection c = platform.dataSource().getConnection();
             PreparedStatement st = c.prepareStatement("select count(*) from jobs where batch_id = ? and state <> 'queued'")) {
            st.setString(1, batchId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
