package dev.railyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Headers;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.JobResult;
import dev.railyard.simulator.SimulatorSettings;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A batch through every service, over the real broker and database, with a flaky simulated provider. */
@ExtendWith(SharedInfrastructure.class)
class BatchEndToEndIT {
    private static final EventCodec CODEC = new EventCodec();
    private static Platform platform;
    private static RailyardClient client;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers, @TempDir Path dir) {
        platform = E2e.platform(servers, dir, new SimulatorSettings(0, 0, 0, 0.2, 10, 2500, 42));
        client = new RailyardClient(platform.apiBaseUrl());
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void thousand_jobs_with_transient_errors_all_succeed_exactly_once(@TempDir Path out) throws Exception {
        BatchRun.Outcome o = new BatchRun(client).run(E2e.batch("flaky", 1000, ""), out.resolve("o.jsonl"),
                out.resolve("e.jsonl"), Duration.ofMinutes(4), n -> { });

        assertThat(o.finished()).isTrue();
        assertThat(o.status()).isEqualTo("completed");
        assertThat(o.completed()).as("succeeded; first errors: %s", E2e.lines(o.errors()).stream().limit(3).toList())
                .isEqualTo(1000);
        assertThat(o.failed()).isZero();
        List<JsonNode> output = E2e.lines(o.output());
        Map<String, Long> perCustomId = output.stream().collect(Collectors.groupingBy(l -> l.path("custom_id").asText(), Collectors.counting()));
        assertThat(perCustomId).hasSize(1000).allSatisfy((id, count) -> assertThat(count).isEqualTo(1L));
        assertThat(output).allSatisfy(l -> assertThat(l.path("response").path("status_code").asInt()).isEqualTo(200));
        assertThat(E2e.lines(o.errors())).isEmpty();

        List<ConsumerRecord<byte[], byte[]>> results = TopicReader.read(platform.kafkaClients(), Topics.JOBS_RESULTS,
                r -> new String(r.value(), StandardCharsets.UTF_8).contains(o.batchId()), 1000, Duration.ofSeconds(30));
        List<JobResult> decoded = results.stream().map(r -> CODEC.decode(r.value(), JobResult.class)).toList();
        assertThat(decoded.stream().map(JobResult::jobId).distinct()).hasSize(1000);
        BigDecimal resultCosts = decoded.stream().map(JobResult::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(resultCosts).isPositive();
        assertThat(ledgerTotal(o.batchId())).isEqualByComparingTo(resultCosts);
        // The simulator really did fail calls, so retries really happened.
        assertThat(decoded.stream().mapToInt(r -> r.attempts().size()).sum()).isGreaterThan(1000);
    }

    @Test
    void permanent_provider_error_fails_the_job_with_an_error_line_and_a_dead_letter(@TempDir Path out) {
        byte[] jsonl = ("{\"custom_id\":\"ok-1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"fine\"}]}}\n"
                + "{\"custom_id\":\"bad-1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"[sim:status=400] refuse this\"}]}}\n"
                + "{\"custom_id\":\"bad-2\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-4o-mini\",\"messages\":\"not an array\"}}\n")
                .getBytes(StandardCharsets.UTF_8);
        BatchRun.Outcome o = new BatchRun(client).run(jsonl, out.resolve("o.jsonl"), out.resolve("e.jsonl"), Duration.ofMinutes(1), n -> { });

        assertThat(o.status()).isEqualTo("completed");
        assertThat(o.completed()).isEqualTo(1);
        assertThat(o.failed()).isEqualTo(2);
        assertThat(E2e.lines(o.output())).extracting(l -> l.path("custom_id").asText()).containsExactly("ok-1");
        Map<String, JsonNode> errors = new HashMap<>();
        E2e.lines(o.errors()).forEach(l -> errors.put(l.path("custom_id").asText(), l));
        assertThat(errors).containsOnlyKeys("bad-1", "bad-2");
        assertThat(errors.get("bad-1").path("error").path("code").asText()).isEqualTo("invalid_request");
        assertThat(errors.get("bad-1").path("response").path("status_code").asInt()).isEqualTo(400);
        assertThat(errors.get("bad-2").path("error").path("line").asInt()).isEqualTo(3);
        assertThat(errors.get("bad-2").path("error").path("param").asText()).contains("messages");

        String jobId = E2e.jobIdOf(platform, o.batchId(), "bad-1");
        // A dead letter keeps its record's key; a dispatch record's is the tenant's (DispatchRecords), so match the job id in the value.
        List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.read(platform.kafkaClients(), Topics.JOBS_DEAD_LETTER,
                r -> r.value() != null && new String(r.value(), StandardCharsets.UTF_8).contains("\"job_id\":\"" + jobId + "\""),
                1, Duration.ofSeconds(20));
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0), Headers.DLQ_STAGE)).isEqualTo("provider-worker");
        assertThat(header(dead.get(0), Headers.DLQ_REASON)).isNotBlank();
        assertThat(header(dead.get(0), Headers.DLQ_ERROR_TYPE)).isEqualTo("invalid_request");
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).contains("[sim:status=400]");
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static BigDecimal ledgerTotal(String batchId) throws Exception {
        try (Connection c = platform.dataSource().getConnection();
             PreparedStatement st = c.prepareStatement("select coalesce(sum(cost), 0) from spend_ledger where batch_id = ?")) {
            st.setString(1, batchId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBigDecimal(1);
            }
        }
    }
}
