package dev.railyard.budget.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.budget.Results;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.JobResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code railyard.spend} counts what the ledger gained, once: never a redelivered result, never an entry already there. */
@ExtendWith(SharedInfrastructure.class)
class SpendMeterIT {
    private final EventCodec codec = new EventCodec();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private DataSource db;
    private LedgerWriter writer;
    private String tenant;

    @BeforeEach
    void setUp(SharedInfrastructure.Servers servers) {
        db = servers.dataSource();
        writer = new LedgerWriter(db, SettlementListener.NONE, new SpendMeter(registry));
        tenant = "spend-meter-" + UUID.randomUUID();
    }

    private ResultProjection projected(JobResult result) {
        return ResultProjection.of(codec.decode(codec.encode(result), JobResult.class), Results.T0,
                d -> Optional.of("openai"), codec.mapper());
    }

    private JobResult result(String jobId, String cost) {
        return Results.succeeded(jobId, tenant, null, "gpt-4o-mini",
                List.of(Results.rateLimited(jobId, 1, 1, "openai-mini", "openai", "gpt-4o-mini"),
                        Results.billed(jobId, 1, 2, "openai-mini", "openai", "gpt-4o-mini", 100, 20, cost)), "hi");
    }

    private double spent() {
        Counter c = registry.find(SpendMeter.NAME).tags("tenant", tenant, "model", "gpt-4o-mini").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void a_result_delivered_twice_or_twice_in_one_batch_is_counted_once() throws SQLException {
        String a = "job-spend-a-" + UUID.randomUUID();
        String b = "job-spend-b-" + UUID.randomUUID();
        ResultProjection first = projected(result(a, "0.000125000000"));

        writer.write(List.of(first, first, projected(result(b, "0.000500000000"))));
        writer.write(List.of(first)); // redelivered after a crash before the commit of its offset

        assertThat(spent()).isEqualTo(0.000625, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void an_entry_already_in_the_ledger_is_not_counted_again() throws SQLException {
        String jobId = "job-spend-pre-" + UUID.randomUUID();
        JobResult r = result(jobId, "0.000300000000");
        // The ledger holds the billed attempt already, though the job is not terminal (an earlier, partial write).
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     insert into spend_ledger (attempt_id, job_id, tenant, model, provider, deployment_id, prompt_tokens,
                                               completion_tokens, cached_prompt_tokens, cost, occurred_at)
                     values (?, ?, ?, 'gpt-4o-mini', 'openai', 'openai-mini', 100, 20, 0, 0.0003, now())""")) {
            ps.setString(1, Attempt.id(jobId, 1, 2));
            ps.setString(2, jobId);
            ps.setString(3, tenant);
            ps.executeUpdate();
        }

        writer.write(List.of(projected(r)));

        assertThat(spent()).isZero();
    }
}
