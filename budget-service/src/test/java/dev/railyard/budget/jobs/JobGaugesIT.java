package dev.railyard.budget.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.infra.testing.SharedInfrastructure;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The jobs-by-state and tenant backlog gauges against the real jobs table (shared with other tests: counts are compared, not fixed). */
@ExtendWith(SharedInfrastructure.class)
class JobGaugesIT {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private DataSource db;
    private String run;

    @BeforeEach
    void setUp(SharedInfrastructure.Servers servers) {
        db = servers.dataSource();
        run = UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void removeJobs() throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("delete from jobs where tenant like ?")) {
            ps.setString(1, "gauge-%-" + run);
            ps.executeUpdate();
        }
    }

    private void insert(String tenant, String state, int n) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "insert into jobs (id, tenant, endpoint, model, state) values (?, ?, '/v1/chat/completions', 'gpt-4o-mini', ?)")) {
            for (int i = 0; i < n; i++) {
                ps.setString(1, "job-gauge-" + UUID.randomUUID());
                ps.setString(2, tenant);
                ps.setString(3, state);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private double jobs(String state) {
        return registry.get(JobGauges.JOBS).tag("state", state).gauge().value();
    }

    private Map<String, Double> backlog() {
        return registry.find(JobGauges.BACKLOG).gauges().stream()
                .collect(Collectors.toMap(g -> g.getId().getTag("tenant"), Gauge::value));
    }

    @Test
    void every_state_is_counted_and_each_tenants_backlog_is_its_queued_jobs() throws SQLException {
        String busy = "gauge-busy-" + run;
        String quiet = "gauge-quiet-" + run;
        insert(busy, "queued", 5);
        insert(busy, "succeeded", 2);
        insert(quiet, "queued", 1);
        insert(quiet, "failed", 1);
        try (JobGauges gauges = new JobGauges(db, registry, Duration.ofHours(1), 10_000)) {
            gauges.refresh();

            assertThat(jobs("queued")).isEqualTo(count("select count(*) from jobs where state = 'queued'")).isGreaterThanOrEqualTo(6);
            assertThat(jobs("succeeded")).isEqualTo(count("select count(*) from jobs where state = 'succeeded'")).isGreaterThanOrEqualTo(2);
            assertThat(jobs("failed")).isEqualTo(count("select count(*) from jobs where state = 'failed'"));
            assertThat(jobs("expired")).isEqualTo(count("select count(*) from jobs where state = 'expired'"));
            assertThat(backlog()).containsEntry(busy, 5.0).containsEntry(quiet, 1.0).doesNotContainKey(JobGauges.OTHER_TENANTS);

            insert(quiet, "queued", 2);
            gauges.refresh();
            assertThat(backlog()).containsEntry(quiet, 3.0);
        }
        assertThat(registry.find(JobGauges.JOBS).gauges()).as("closed: its gauges are gone").isEmpty();
    }

    @Test
    void beyond_the_top_tenants_the_rest_of_the_backlog_is_summed_under_other() throws SQLException {
        insert("gauge-a-" + run, "queued", 3);
        insert("gauge-b-" + run, "queued", 2);
        try (JobGauges gauges = new JobGauges(db, registry, Duration.ofHours(1), 1)) {
            gauges.refresh();

            Map<String, Double> backlog = backlog();
            assertThat(backlog).hasSize(2).containsKey(JobGauges.OTHER_TENANTS);
            assertThat(backlog.values().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(jobs("queued"));
        }
    }
}
