package dev.railyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.simulator.SimulatorSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Submits jobs and reads their outcomes over Kafka with plain string clients and only the names docs/kafka.md gives
 * (no Railyard class touches a record here), and checks what comes back against the published JSON Schemas.
 */
@ExtendWith(SharedInfrastructure.class)
class KafkaContractIT {
    // Everything below is spelled as docs/kafka.md spells it, on purpose: no Topics or Headers constants.
    private static final String SUBMITTED = "railyard.jobs.submitted";
    private static final String RESULTS = "railyard.jobs.results";
    private static final String DEAD_LETTER = "railyard.jobs.dead-letter";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Platform platform;
    private static String bootstrap;
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers, @TempDir Path dir) {
        platform = E2e.platform(servers, dir, new SimulatorSettings(0, 0, 0, 0.0, 10, 2500, 42));
        bootstrap = servers.bootstrapServers();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(p);
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void jobs_produced_from_the_documented_contract_complete_and_their_results_can_be_read() throws Exception {
        String chatId = "job_" + UUID.randomUUID();
        String embeddingId = "job_" + UUID.randomUUID();
        String chat = submitted(chatId, "default", "/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"max_tokens\":32,\"messages\":[{\"role\":\"user\",\"content\":\"Hello over Kafka\"}]}");
        String embedding = submitted(embeddingId, "default", "/v1/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":\"Hello over Kafka\",\"dimensions\":8}");
        assertConforms("JobSubmitted.json", chat);

        send(chatId, "default:standard", chat, "default");
        send(embeddingId, "default:standard", embedding, "default");

        Map<String, JsonNode> results = firstResults(List.of(chatId, embeddingId));
        JsonNode chatResult = results.get(chatId);
        assertThat(chatResult.get("outcome").asText()).as(chatResult.toString()).isEqualTo("succeeded");
        assertThat(chatResult.at("/response/object").asText()).isEqualTo("chat.completion");
        assertThat(chatResult.at("/response/usage/prompt_tokens").asLong()).isPositive();
        assertThat(chatResult.at("/usage/completion_tokens").asLong()).isPositive();
        assertThat(chatResult.get("tenant").asText()).isEqualTo("default");
        assertThat(chatResult.get("cost").decimalValue()).isPositive();
        JsonNode embeddingResult = results.get(embeddingId);
        assertThat(embeddingResult.get("outcome").asText()).isEqualTo("succeeded");
        assertThat(embeddingResult.at("/response/data/0/embedding")).hasSize(8);
        results.values().forEach(r -> assertConforms("JobResult.json", r.toString()));
        // The budget service writes the job's row from the result: the REST API shows a Kafka job too.
        assertThat(awaitJob(chatId).get("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void bad_records_are_dead_lettered_with_the_reason_and_the_partition_keeps_flowing() throws Exception {
        String run = UUID.randomUUID().toString();
        String key = "contract-" + run + ":standard"; // one key: every record below lands on one partition, in order
        String notJsonId = "bad-json-" + run;
        String noJobIdMarker = "no-job-id-" + run;
        String invalidId = "job_invalid_" + run;
        String goodId = "job_good_" + run;
        String notJson = "{\"job_id\":\"" + notJsonId + "\",\"endpoint\":";
        ObjectNode noJobId = (ObjectNode) JSON.readTree(submitted("unused", "default", "/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        noJobId.remove("job_id");
        String invalid = submitted(invalidId, "default", "/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}");
        String good = submitted(goodId, "default", "/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"after the bad ones\"}]}");

        RecordMetadata notJsonAt = send(notJsonId, key, notJson, "default");
        RecordMetadata noJobIdAt = send(noJobIdMarker, key, noJobId.toString(), "default");
        RecordMetadata invalidAt = send(invalidId, key, invalid, "default");
        RecordMetadata goodAt = send(goodId, key, good, "default");
        assertThat(List.of(noJobIdAt.partition(), invalidAt.partition(), goodAt.partition())).containsOnly(notJsonAt.partition());

        // The good record behind the bad ones on the same partition completes.
        Map<String, JsonNode> results = firstResults(List.of(invalidId, goodId));
        assertThat(results.get(goodId).get("outcome").asText()).isEqualTo("succeeded");
        JsonNode failed = results.get(invalidId);
        assertThat(failed.get("outcome").asText()).isEqualTo("failed");
        assertThat(failed.at("/error/type").asText()).isEqualTo("invalid_request");
        assertThat(failed.at("/error/message").asText()).contains("body.messages");
        assertConforms("JobResult.json", failed.toString());

        Map<String, ConsumerRecord<String, String>> dead = deadLetters(List.of(notJsonId, noJobIdMarker, invalidId));
        assertDeadLetter(dead.get(notJsonId), key, notJson, notJsonAt, "malformed_record", "not a valid JobSubmitted");
        assertDeadLetter(dead.get(noJobIdMarker), key, noJobId.toString(), noJobIdAt, "malformed_record", "job_id is missing");
        assertDeadLetter(dead.get(invalidId), key, invalid, invalidAt, "invalid_request", "body.messages: messages is required");
    }

    // ---- the documented producer and consumers ----------------------------------------------------------------

    /** A JobSubmitted value as docs/kafka.md describes it. */
    private static String submitted(String jobId, String tenant, String endpoint, String body) throws Exception {
        ObjectNode value = JSON.createObjectNode()
                .put("schema_version", 1)
                .put("event_id", UUID.randomUUID().toString())
                .put("job_id", jobId)
                .put("occurred_at", Instant.now().toString())
                .put("tenant", tenant)
                .put("endpoint", endpoint)
                .put("priority", "standard");
        value.set("body", JSON.readTree(body));
        return value.toString();
    }

    private static RecordMetadata send(String jobId, String key, String value, String tenant) throws Exception {
        ProducerRecord<String, String> record = new ProducerRecord<>(SUBMITTED, key, value);
        record.headers().add("railyard.tenant", tenant.getBytes(StandardCharsets.UTF_8));
        record.headers().add("railyard.job.id", jobId.getBytes(StandardCharsets.UTF_8));
        return producer.send(record).get();
    }

    /** The first result of each job, read with a consumer group of our own from the start of the topic. */
    private static Map<String, JsonNode> firstResults(List<String> jobIds) throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        for (ConsumerRecord<String, String> r : read(RESULTS, r -> r.key() != null && jobIds.contains(r.key()), jobIds.size())) {
            out.putIfAbsent(r.key(), JSON.readTree(r.value()));
        }
        assertThat(out.keySet()).containsExactlyInAnyOrderElementsOf(jobIds);
        return out;
    }

    /** Dead letters by the {@code railyard.job.id} header we sent (the original headers are kept). */
    private static Map<String, ConsumerRecord<String, String>> deadLetters(List<String> markers) {
        Map<String, ConsumerRecord<String, String>> out = new HashMap<>();
        for (ConsumerRecord<String, String> r : read(DEAD_LETTER, r -> {
            String marker = header(r, "railyard.job.id");
            return marker != null && markers.contains(marker);
        }, markers.size())) {
            out.putIfAbsent(header(r, "railyard.job.id"), r);
        }
        assertThat(out.keySet()).containsExactlyInAnyOrderElementsOf(markers);
        return out;
    }

    private static List<ConsumerRecord<String, String>> read(String topic, Predicate<ConsumerRecord<String, String>> wanted, int distinct) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "contract-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline && out.stream().map(r -> r.key() + "|" + header(r, "railyard.job.id")).distinct().count() < distinct) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (wanted.test(r)) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    // ---- checks -----------------------------------------------------------------------------------------------

    private static void assertDeadLetter(ConsumerRecord<String, String> dead, String key, String value, RecordMetadata original,
                                         String errorType, String reason) {
        assertThat(dead.key()).isEqualTo(key);
        assertThat(dead.value()).as("the original value, unchanged").isEqualTo(value);
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : dead.headers()) {
            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        assertThat(headers).containsEntry("railyard.dlq.stage", "router")
                .containsEntry("railyard.dlq.error.type", errorType)
                .containsEntry("railyard.dlq.topic", SUBMITTED)
                .containsEntry("railyard.dlq.partition", Integer.toString(original.partition()))
                .containsEntry("railyard.dlq.offset", Long.toString(original.offset()))
                .containsEntry("railyard.tenant", "default");
        assertThat(headers.get("railyard.dlq.reason")).contains(reason);
        assertConforms("DeadLetterHeaders.json", JSON.valueToTree(headers).toString());
    }

    private static void assertConforms(String schemaFile, String json) {
        JsonSchema schema = SCHEMAS.getSchema(SchemaLocation.of("classpath:schemas/" + schemaFile));
        try {
            List<String> problems = schema.validate(JSON.readTree(json)).stream().map(ValidationMessage::getMessage).toList();
            assertThat(problems).as("%s against %s", json, schemaFile).isEmpty();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static JsonNode awaitJob(String id) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(platform.apiBaseUrl() + "/v1/jobs/" + id))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 && !"queued".equals(JSON.readTree(response.body()).get("status").asText())
                    || System.nanoTime() > deadline) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                return JSON.readTree(response.body());
            }
            Thread.sleep(100);
        }
    }
}
