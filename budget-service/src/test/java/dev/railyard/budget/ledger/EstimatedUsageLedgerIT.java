package dev.railyard.budget.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.budget.Results;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A ledger entry whose usage the provider did not report is written with {@code estimated = true}. */
@ExtendWith(SharedInfrastructure.class)
class EstimatedUsageLedgerIT {
    private final EventCodec codec = new EventCodec();
    private DataSource db;
    private LedgerWriter writer;

    @BeforeEach
    void setUp(SharedInfrastructure.Servers servers) {
        db = servers.dataSource();
        writer = new LedgerWriter(db);
    }

    /** As the budget service receives it: through JSON. */
    private ResultProjection projected(JobResult result) {
        JobResult decoded = codec.decode(codec.encode(result), JobResult.class);
        return ResultProjection.of(decoded, Results.T0, d -> Optional.of("gemini"), codec.mapper());
    }

    private static Attempt embedding(String jobId, Usage usage) {
        return new Attempt(Attempt.id(jobId, 1, 1), "gemini-embedding-001", "gemini", "gemini-embedding-001", 1, 1,
                Results.T0, 80, 200, usage, new BigDecimal("0.000001500000"), true, null);
    }

    private Map.Entry<Boolean, Long> ledgerRow(String attemptId) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("select estimated, prompt_tokens from spend_ledger where attempt_id = ?")) {
            ps.setString(1, attemptId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a ledger row for " + attemptId).isTrue();
                return Map.entry(rs.getBoolean(1), rs.getLong(2));
            }
        }
    }

    @Test
    void estimated_usage_is_flagged_in_the_ledger_and_reported_usage_is_not() throws SQLException {
        String estimatedJob = "job-estimated-" + UUID.randomUUID();
        String reportedJob = "job-reported-" + UUID.randomUUID();
        JobResult estimated = Results.succeeded(estimatedJob, "est-tenant", null, "gemini-embedding-001",
                List.of(embedding(estimatedJob, Usage.estimate(10, 0))), "vectors");
        JobResult reported = Results.succeeded(reportedJob, "est-tenant", null, "gemini-embedding-001",
                List.of(embedding(reportedJob, new Usage(10, 0, 0))), "vectors");

        ResultProjection p = projected(estimated);
        assertThat(p.ledger()).singleElement().satisfies(e -> assertThat(e.estimated()).isTrue());
        writer.write(List.of(p, projected(reported)));

        assertThat(ledgerRow(Attempt.id(estimatedJob, 1, 1))).isEqualTo(Map.entry(true, 10L));
        assertThat(ledgerRow(Attempt.id(reportedJob, 1, 1))).isEqualTo(Map.entry(false, 10L));
    }

    @Test
    void a_result_written_before_the_flag_existed_is_reported_usage() throws SQLException {
        String jobId = "job-old-" + UUID.randomUUID();
        JobResult result = Results.succeeded(jobId, "est-tenant", null, "gemini-embedding-001",
                List.of(embedding(jobId, new Usage(10, 0, 0))), "vectors");
        String json = new String(codec.encode(result), StandardCharsets.UTF_8);
        assertThat(json).doesNotContain("estimated");

        writer.write(List.of(ResultProjection.of(codec.decode(json.getBytes(StandardCharsets.UTF_8), JobResult.class),
                Results.T0, d -> Optional.of("gemini"), codec.mapper())));

        assertThat(ledgerRow(Attempt.id(jobId, 1, 1)).getKey()).isFalse();
    }
}
