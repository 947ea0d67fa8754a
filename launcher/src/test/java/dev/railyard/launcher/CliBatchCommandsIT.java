package dev.railyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.schema.Topics;
import dev.railyard.simulator.SimulatorSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code railyard submit --wait}, {@code status}, {@code results}, {@code cancel} and {@code dlq list|replay} through
 * picocli against a running platform (its API over HTTP, as after {@code railyard up}).
 */
@ExtendWith(SharedInfrastructure.class)
class CliBatchCommandsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Platform platform;
    private static String api;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers, @TempDir Path dir) {
        // 50 ms per provider call: a 300-line batch is still running when it is cancelled right after submission.
        platform = E2e.platform(servers, dir, new SimulatorSettings(0, 50, 0, 0, 10, 2500, 11));
        api = platform.apiBaseUrl();
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    private static Path batchFile(Path dir, String prefix, int n) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("{\"custom_id\":\"").append(prefix).append('-').append(i).append("\",\"method\":\"POST\",")
                    .append("\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-4o-mini\",\"max_tokens\":16,")
                    .append("\"messages\":[{\"role\":\"user\",\"content\":\"line ").append(i).append("\"}]}}\n");
        }
        Path file = dir.resolve(prefix + ".jsonl");
        Files.writeString(file, sb);
        return file;
    }

    @Test
    void submit_waits_then_status_and_results_read_the_batch(@TempDir Path dir) throws Exception {
        Path input = batchFile(dir, "cli-submit", 20);
        Path outDir = dir.resolve("out");
        CliRun submit = CliRun.of("submit", input.toString(), "--wait", "--out", outDir.toString(), "--api", api);
        assertThat(submit.code()).as(submit.out() + submit.err()).isZero();
        String batchId = submit.out().lines().findFirst().orElseThrow();
        assertThat(batchId).startsWith("batch_");
        assertThat(submit.out()).contains("batch " + batchId + ": completed").contains("20 total, 20 succeeded, 0 failed");
        Path output = outDir.resolve("cli-submit.output.jsonl");
        List<JsonNode> lines = E2e.lines(output);
        assertThat(lines).hasSize(20);
        Set<String> customIds = new HashSet<>();
        lines.forEach(l -> customIds.add(l.path("custom_id").asText()));
        assertThat(customIds).hasSize(20).contains("cli-submit-0", "cli-submit-19");
        assertThat(E2e.lines(outDir.resolve("cli-submit.errors.jsonl"))).isEmpty();

        CliRun status = CliRun.of("status", batchId, "--api", api);
        assertThat(status.code()).as(status.err()).isZero();
        assertThat(status.out()).contains("batch " + batchId + ": completed")
                .contains("requests: 20 total, 20 completed, 0 failed, 0 pending").containsPattern("cost: \\$0\\.[0-9]+");
        JsonNode statusJson = JSON.readTree(CliRun.of("status", batchId, "--json", "--api", api).out());
        assertThat(statusJson.path("request_counts").path("completed").asInt()).isEqualTo(20);

        Path results = dir.resolve("results.jsonl");
        CliRun read = CliRun.of("results", batchId, "-o", results.toString(), "--api", api);
        assertThat(read.code()).as(read.err()).isZero();
        assertThat(read.out()).contains("20 lines");
        assertThat(Files.readAllLines(results)).hasSize(20);

        String jobId = E2e.jobIdOf(platform, batchId, "cli-submit-3");
        CliRun job = CliRun.of("status", jobId, "--api", api);
        assertThat(job.out()).contains("job " + jobId + ": succeeded").contains("model: gpt-4o-mini").contains("batch: " + batchId);
        Path body = dir.resolve("job.json");
        assertThat(CliRun.of("results", jobId, "-o", body.toString(), "--api", api).code()).isZero();
        assertThat(JSON.readTree(Files.readString(body)).path("object").asText()).isEqualTo("chat.completion");

        CliRun missing = CliRun.of("status", "batch_nope", "--api", api);
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("HTTP 404");
    }

    @Test
    void cancel_stops_a_running_batch(@TempDir Path dir) throws Exception {
        Path input = batchFile(dir, "cli-cancel", 300);
        CliRun submit = CliRun.of("submit", input.toString(), "--api", api);
        assertThat(submit.code()).as(submit.err()).isZero();
        String batchId = submit.out().strip();
        CliRun cancel = CliRun.of("cancel", batchId, "--api", api);
        assertThat(cancel.code()).as(cancel.err()).isZero();
        assertThat(cancel.out()).containsPattern("batch " + batchId + ": cancell(ing|ed)");
        await("the batch is cancelled", () -> JSON.readTree(CliRun.of("status", batchId, "--json", "--api", api).out())
                .path("status").asText().equals("cancelled"));
        JsonNode counts = JSON.readTree(CliRun.of("status", batchId, "--json", "--api", api).out()).path("request_counts");
        assertThat(counts.path("failed").asInt()).isPositive();
        assertThat(counts.path("completed").asInt() + counts.path("failed").asInt()).isEqualTo(300);
        CliRun again = CliRun.of("cancel", batchId, "--api", api);
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("HTTP 409");
    }

    @Test
    void a_poison_record_is_listed_and_replayed_and_dead_letters_again() throws Exception {
        String key = "poison-" + UUID.randomUUID();
        RecordMetadata poison;
        try (KafkaProducer<byte[], byte[]> producer = platform.kafkaClients().producer("cli-dlq-it")) {
            poison = producer.send(new ProducerRecord<>(Topics.JOBS_SUBMITTED, key.getBytes(StandardCharsets.UTF_8),
                    "this is not JSON".getBytes(StandardCharsets.UTF_8))).get();
        }
        JsonNode[] first = new JsonNode[1];
        await("the poison record is a recorded dead letter", () -> (first[0] = deadLetter(Topics.JOBS_SUBMITTED,
                poison.partition(), poison.offset())) != null);
        assertThat(first[0].path("key").asText()).isEqualTo(key);
        assertThat(first[0].path("stage").asText()).isEqualTo("router");
        assertThat(first[0].path("error_type").asText()).isEqualTo("malformed_record");
        String id = first[0].path("id").asText();

        CliRun list = CliRun.of("dlq", "list", "--limit", "1000", "--api", api);
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out().lines().findFirst().orElseThrow()).matches("id +stage +error +reason +job +source +recorded_at +replayed");
        String row = list.out().lines().filter(l -> l.strip().startsWith(id + " ")).findFirst().orElseThrow(() -> new AssertionError(list.out()));
        assertThat(row).contains("router").contains("malformed_record")
                .contains(Topics.JOBS_SUBMITTED + "[" + poison.partition() + "]@" + poison.offset());
        assertThat(row.strip()).endsWith("-"); // not replayed yet

        CliRun replay = CliRun.of("dlq", "replay", id, "--api", api);
        assertThat(replay.code()).as(replay.err()).isZero();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("to " + java.util.regex.Pattern.quote(Topics.JOBS_SUBMITTED)
                + "\\[(\\d+)]@(\\d+)").matcher(replay.out());
        assertThat(m.find()).as(replay.out()).isTrue();
        int partition = Integer.parseInt(m.group(1));
        long offset = Long.parseLong(m.group(2));
        // Still poison: the router dead-letters the replayed record again, a second dead letter pointing at the replay.
        JsonNode[] second = new JsonNode[1];
        await("the replayed record is dead-lettered again", () -> (second[0] = deadLetter(Topics.JOBS_SUBMITTED, partition, offset)) != null);
        assertThat(second[0].path("key").asText()).isEqualTo(key);
        assertThat(second[0].path("value").asText()).isEqualTo("this is not JSON");
        assertThat(second[0].path("id").asText()).isNotEqualTo(id);

        String replayedRow = CliRun.of("dlq", "list", "--limit", "1000", "--api", api).out().lines()
                .filter(l -> l.strip().startsWith(id + " ")).findFirst().orElseThrow();
        assertThat(replayedRow.strip()).doesNotEndWith(" -");
        CliRun twice = CliRun.of("dlq", "replay", id, "--api", api);
        assertThat(twice.code()).isEqualTo(1);
        assertThat(twice.err()).contains("HTTP 409").contains("already_replayed");
        assertThat(CliRun.of("dlq", "replay", id, "--force", "--api", api).code()).isZero();
    }

    /** The dead letter of the record at {@code topic[partition]@offset}, from {@code railyard dlq list --json}, or null. */
    private static JsonNode deadLetter(String topic, int partition, long offset) throws Exception {
        CliRun list = CliRun.of("dlq", "list", "--limit", "1000", "--json", "--api", api);
        assertThat(list.code()).as(list.err()).isZero();
        for (JsonNode d : JSON.readTree(list.out()).path("data")) {
            JsonNode s = d.path("source");
            if (topic.equals(s.path("topic").asText()) && s.path("partition").asInt() == partition && s.path("offset").asLong() == offset) {
                return d;
            }
        }
        return null;
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!condition.call()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(200); // a test thread polling, not an event loop
        }
    }
}
