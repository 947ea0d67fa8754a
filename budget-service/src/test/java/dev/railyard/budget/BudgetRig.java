package dev.railyard.budget;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Headers;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.JobResult;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What the budget ITs share: the router's reservations, results onto the topic, database reads, HTTP calls, awaits. */
final class BudgetRig {
    static final EventCodec codec = new EventCodec();
    private static final HttpClient http = HttpClient.newHttpClient();

    private BudgetRig() {
    }

    /** What the router does before dispatching a job: reserve its worst case in the budget's window. */
    static void reserve(DataSource db, String jobId, String budgetId, Instant windowStart, String amount) throws SQLException {
        OffsetDateTime start = OffsetDateTime.ofInstant(windowStart, ZoneOffset.UTC);
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement w = c.prepareStatement(
                    "insert into budget_windows (budget_id, window_start) values (?, ?) on conflict do nothing");
                 PreparedStatement r = c.prepareStatement(
                         "insert into budget_reservations (job_id, budget_id, window_start, amount) values (?, ?, ?, ?)");
                 PreparedStatement u = c.prepareStatement(
                         "update budget_windows set reserved = reserved + ? where budget_id = ? and window_start = ?")) {
                w.setString(1, budgetId);
                w.setObject(2, start, Types.TIMESTAMP_WITH_TIMEZONE);
                w.executeUpdate();
                r.setString(1, jobId);
                r.setString(2, budgetId);
                r.setObject(3, start, Types.TIMESTAMP_WITH_TIMEZONE);
                r.setBigDecimal(4, new BigDecimal(amount));
                r.executeUpdate();
                u.setBigDecimal(1, new BigDecimal(amount));
                u.setString(2, budgetId);
                u.setObject(3, start, Types.TIMESTAMP_WITH_TIMEZONE);
                u.executeUpdate();
                c.commit();
            }
        }
    }

    /** A succeeded job billed {@code cost} for one gpt-4o-mini call. */
    static JobResult succeeded(String jobId, String tenant, String cost) {
        return Results.succeeded(jobId, tenant, null, "gpt-4o-mini",
                List.of(Results.billed(jobId, 1, 1, "openai-gpt-4o-mini", "openai", "gpt-4o-mini", 100, 50, cost)), "ok");
    }

    static void produce(KafkaProducer<byte[], byte[]> producer, Integer partition, JobResult result) throws Exception {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(Topics.JOBS_RESULTS, partition,
                result.jobId().getBytes(StandardCharsets.UTF_8), codec.encode(result));
        r.headers().add(Headers.TENANT, result.tenant().getBytes(StandardCharsets.UTF_8));
        producer.send(r).get();
    }

    /** {spent, reserved} of one window, or null when it has no row. */
    static BigDecimal[] window(DataSource db, String budgetId, Instant start) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("select spent, reserved from budget_windows where budget_id = ? and window_start = ?")) {
            ps.setString(1, budgetId);
            ps.setObject(2, OffsetDateTime.ofInstant(start, ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new BigDecimal[] {rs.getBigDecimal(1), rs.getBigDecimal(2)} : null;
            }
        }
    }

    static long count(DataSource db, String sql, Object... args) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    static void await(String what, Callable<Boolean> condition) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!condition.call()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(50); // a test thread polling, not an event loop
        }
    }

    record Reply(int status, JsonNode body) {
        JsonNode error() {
            return body.path("error");
        }
    }

    static Reply call(String method, String url, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (json != null) {
            b.header("content-type", "application/json");
        }
        HttpRequest request = b.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json.replace('\'', '"'))).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), codec.mapper().readTree(response.body().isEmpty() ? "{}" : response.body()));
    }
}
