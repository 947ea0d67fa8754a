package dev.railyard.budget.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.budget.Results;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ledger's transaction records one webhook event per job with a callback URL that it makes terminal. */
@ExtendWith(SharedInfrastructure.class)
class WebhookOutboxIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-03-15T10:20:00Z");
    private final EventCodec codec = new EventCodec();

    private DataSource db;
    private LedgerWriter writer;
    private String prefix;

    @BeforeEach
    void setUp(SharedInfrastructure.Servers servers) {
        db = servers.dataSource();
        writer = new LedgerWriter(db);
        prefix = "whk-" + UUID.randomUUID().toString().substring(0, 8); // the database is shared
    }

    @Test
    void a_succeeded_job_with_a_callback_gets_one_job_succeeded_event_due_now() throws Exception {
        String job = prefix + "-ok";
        submitted(job, "https://hooks.example.com/railyard");

        write(writer, succeeded(job));

        List<Event> events = events(job);
        assertThat(events).hasSize(1);
        Event e = events.get(0);
        assertThat(e.id()).isEqualTo("evt_" + job + "_succeeded");
        assertThat(e.type()).isEqualTo("job.succeeded");
        assertThat(e.tenant()).isEqualTo("acme");
        assertThat(e.url()).isEqualTo("https://hooks.example.com/railyard");
        assertThat(e.due()).as("due at once").isTrue();
        JsonNode payload = JSON.readTree(e.payload());
        assertThat(payload.get("type").asText()).isEqualTo("job.succeeded");
        assertThat(payload.get("timestamp").asText()).isEqualTo(Results.T0.plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
        assertThat(payload.get("data")).isEqualTo(JSON.readTree(
                "{\"id\":\"" + job + "\",\"object\":\"job\",\"status\":\"succeeded\",\"custom_id\":\"custom-" + job + "\"}"));
    }

    @Test
    void a_failed_job_gets_a_job_failed_event_with_its_error() throws Exception {
        String job = prefix + "-failed";
        submitted(job, "https://hooks.example.com/x");

        write(writer, Results.failed(job, "acme", "gpt-4o-mini",
                List.of(Results.rateLimited(job, 1, 1, "openai-gpt-4o-mini", "openai", "gpt-4o-mini")), ErrorType.RATE_LIMITED));

        List<Event> events = events(job);
        assertThat(events).extracting(Event::type).containsExactly("job.failed");
        JsonNode data = JSON.readTree(events.get(0).payload()).get("data");
        assertThat(data.get("status").asText()).isEqualTo("failed");
        assertThat(data.get("error").get("code").asText()).isEqualTo("rate_limited");
        assertThat(data.get("error").get("message").asText()).isEqualTo("it failed");
    }

    @Test
    void a_job_without_a_callback_gets_no_event() throws Exception {
        String job = prefix + "-silent";
        submitted(job, null);
        write(writer, succeeded(job));
        assertThat(events(job)).isEmpty();
    }

    @Test
    void redelivered_and_repeated_results_make_no_second_event() throws Exception {
        String job = prefix + "-again";
        submitted(job, "https://hooks.example.com/x");
        JobResult first = succeeded(job);
        write(writer, first);
        String payload = events(job).get(0).payload();

        write(writer, first);
        write(writer, first, first);
        write(writer, Results.failed(job, "acme", "gpt-4o-mini", List.of(), ErrorType.TIMEOUT)); // a later, different result
        write(new LedgerWriter(db), first); // another instance

        assertThat(events(job)).hasSize(1);
        assertThat(events(job).get(0).type()).isEqualTo("job.succeeded");
        assertThat(events(job).get(0).payload()).as("fixed when recorded").isEqualTo(payload);
    }

    @Test
    void two_instances_writing_the_same_results_at_once_record_each_event_once() throws Exception {
        List<String> jobs = new ArrayList<>();
        List<JobResult> results = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String job = prefix + "-race-" + i;
            submitted(job, "https://hooks.example.com/x");
            jobs.add(job);
            results.add(succeeded(job));
        }
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<Void> write = () -> {
                LedgerWriter instance = new LedgerWriter(db);
                start.await(30, TimeUnit.SECONDS);
                write(instance, results.toArray(JobResult[]::new));
                return null;
            };
            Future<Void> a = pool.submit(write);
            Future<Void> b = pool.submit(write);
            a.get(60, TimeUnit.SECONDS);
            b.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        for (String job : jobs) {
            assertThat(events(job)).as(job).hasSize(1);
        }
    }

    private JobResult succeeded(String job) {
        return Results.succeeded(job, "acme", null, "gpt-4o-mini",
                List.of(Results.billed(job, 1, 1, "openai-gpt-4o-mini", "openai", "gpt-4o-mini", 10, 5, "0.001")), "ok");
    }

    private void write(LedgerWriter w, JobResult... results) throws SQLException {
        w.write(Arrays.stream(results).map(r -> ResultProjection.of(r, NOW, d -> Optional.of("openai"), codec.mapper())).toList());
    }

    /** What api-ingest stores when it accepts a job. */
    private void submitted(String job, String callbackUrl) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into jobs (id, tenant, custom_id, endpoint, model, state, callback_url) values (?, 'acme', ?, '/v1/chat/completions', 'gpt-4o-mini', 'queued', ?)")) {
            ps.setString(1, job);
            ps.setString(2, "custom-" + job);
            ps.setString(3, callbackUrl);
            ps.executeUpdate();
        }
    }

    private record Event(String id, String tenant, String type, String url, String payload, boolean due) {
    }

    private List<Event> events(String job) throws SQLException {
        List<Event> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select id, tenant, type, url, payload, next_attempt_at <= now() from webhook_events where subject_id = ? order by id")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Event(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getBoolean(6)));
                }
            }
        }
        return out;
    }
}
