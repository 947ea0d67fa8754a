package dev.railyard.schema.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.schema.DispatchRecords;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Headers;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.BudgetState;
import dev.railyard.schema.event.DeploymentHealthSnapshot;
import dev.railyard.schema.event.Endpoint;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobDispatched;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.event.RoutingDecision;
import dev.railyard.schema.event.Usage;
import dev.railyard.schema.validation.JobRequestValidator;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON Schemas of the topics (docs/kafka.md, docs/asyncapi.yaml) are checked against what the code really
 * encodes: every field of every event record is in its schema and nothing else is, encoded events conform, and the
 * enums are the code's. So the documented contract cannot drift from the records.
 */
class EventSchemasTest {
    private static final EventCodec CODEC = new EventCodec();
    private static final ObjectMapper JSON = CODEC.mapper();
    private static final Instant T = Instant.parse("2030-01-02T03:04:05.123456Z");

    static Stream<String> schemaFiles() {
        return SchemaFiles.names().stream();
    }

    @Test
    void there_is_a_schema_file_for_every_topic_payload() {
        assertThat(SchemaFiles.names()).containsExactlyInAnyOrder("BudgetState.json", "DeadLetterHeaders.json",
                "DeploymentHealthSnapshot.json", "JobDispatched.json", "JobResult.json", "JobSubmitted.json", "common.json");
    }

    @ParameterizedTest
    @MethodSource("schemaFiles")
    void every_schema_file_is_a_valid_draft_07_schema_whose_references_resolve(String name) {
        JsonNode schema = SchemaFiles.tree(name);

        assertThat(schema.path("$schema").asText()).startsWith(SchemaFiles.DRAFT_07);
        assertThat(SchemaFiles.metaSchema().validate(schema)).as("%s against the draft-07 meta-schema", name).isEmpty();
        SchemaFiles.compiled(name); // resolves every $ref, or throws
    }

    // ---- real events conform -------------------------------------------------------------------------------------

    static Stream<Arguments> encodedEvents() {
        return Stream.of(
                Arguments.of("JobSubmitted.json", "everything set", fullSubmitted()),
                Arguments.of("JobSubmitted.json", "a plain single job", minimalSubmitted()),
                Arguments.of("JobSubmitted.json", "an embeddings job", embeddingsSubmitted()),
                Arguments.of("JobDispatched.json", "a first hop", new JobDispatched(1, "e2", "job_1", T, minimalSubmitted(), fullDecision())),
                Arguments.of("JobDispatched.json", "a fallback hop with earlier attempts", new JobDispatched(1, "e3", "job_1", T,
                        fullSubmitted(), new RoutingDecision("anthropic-claude", "anthropic", "claude-3-5-haiku", 12,
                        new BigDecimal("0.000100000000"), List.of(), 2, "fallback"), List.of(failedAttempt()))),
                Arguments.of("JobResult.json", "a success with everything set", fullResult()),
                Arguments.of("JobResult.json", "a job the router failed", routerFailure()),
                Arguments.of("JobResult.json", "a rejected job", new JobResult(1, "e6", "job_3", T, "default", null, null,
                        "/v1/embeddings", Outcome.REJECTED, "text-embedding-3-small", null, null, Usage.NONE, BigDecimal.ZERO, 0,
                        null, List.of(), JobError.of(ErrorType.BUDGET_EXCEEDED, "budget 'daily' is spent"), fullDecision())),
                Arguments.of("BudgetState.json", "a daily tenant budget", new BudgetState(1, "b1", "tenant", "acme", "daily",
                        "defer", new BigDecimal("25.000000000000"), List.of(50, 80), "https://example.com/alerts", "api", T,
                        T.plusSeconds(86_400), new BigDecimal("1.234500000000"), new BigDecimal("0.5"), T)),
                Arguments.of("BudgetState.json", "a total global budget", new BudgetState(1, "b2", "global", null, "total",
                        "reject", new BigDecimal("100"), null, null, "config", Instant.EPOCH, null, BigDecimal.ZERO,
                        BigDecimal.ZERO, T)),
                Arguments.of("DeploymentHealthSnapshot.json", "an open circuit", new DeploymentHealthSnapshot(1,
                        "openai-gpt-4o-mini", "router-1", T, T, 40, 21, 0.525, 120, 900, 80L,
                        DeploymentHealthSnapshot.Circuit.OPEN, T, 10)),
                Arguments.of("DeploymentHealthSnapshot.json", "a quiet deployment", new DeploymentHealthSnapshot(1,
                        "gemini-flash", "router-2", T, T, 0, 0, 0, 0, 0, null, DeploymentHealthSnapshot.Circuit.HALF_OPEN, null, 0)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("encodedEvents")
    void encoded_events_conform_to_their_schema(String schema, String what, Object event) throws IOException {
        JsonNode encoded = JSON.readTree(CODEC.encode(event));

        assertThat(SchemaFiles.problems(schema, encoded)).as("%s: %s", what, encoded).isEmpty();
    }

    @Test
    void schemas_reject_records_that_break_the_contract() {
        ObjectNode noJobId = (ObjectNode) JSON.valueToTree(minimalSubmitted());
        noJobId.remove("job_id");
        ObjectNode wrongEndpoint = (ObjectNode) JSON.valueToTree(minimalSubmitted());
        wrongEndpoint.put("endpoint", "/v1/completions");
        ObjectNode unknownOutcome = (ObjectNode) JSON.valueToTree(fullResult());
        unknownOutcome.put("outcome", "done");
        ObjectNode successWithoutResponse = (ObjectNode) JSON.valueToTree(fullResult());
        successWithoutResponse.remove("response");
        ObjectNode badInstant = (ObjectNode) JSON.valueToTree(fullResult());
        badInstant.put("occurred_at", "yesterday");

        assertThat(SchemaFiles.problems("JobSubmitted.json", noJobId)).isNotEmpty();
        assertThat(SchemaFiles.problems("JobSubmitted.json", wrongEndpoint)).isNotEmpty();
        assertThat(SchemaFiles.problems("JobResult.json", unknownOutcome)).isNotEmpty();
        assertThat(SchemaFiles.problems("JobResult.json", successWithoutResponse)).isNotEmpty();
        assertThat(SchemaFiles.problems("JobResult.json", badInstant)).isNotEmpty();
    }

    // ---- the schemas name exactly the records' fields ----------------------------------------------------------

    static Stream<Arguments> recordsAndSchemas() {
        return Stream.of(
                Arguments.of(JobSubmitted.class, "JobSubmitted.json", ""),
                Arguments.of(JobDispatched.class, "JobDispatched.json", ""),
                Arguments.of(JobResult.class, "JobResult.json", ""),
                Arguments.of(BudgetState.class, "BudgetState.json", ""),
                Arguments.of(DeploymentHealthSnapshot.class, "DeploymentHealthSnapshot.json", ""),
                Arguments.of(Attempt.class, "common.json", "/definitions/attempt"),
                Arguments.of(Usage.class, "common.json", "/definitions/usage"),
                Arguments.of(JobError.class, "common.json", "/definitions/jobError"),
                Arguments.of(RoutingDecision.class, "common.json", "/definitions/routingDecision"),
                Arguments.of(RoutingDecision.Rejection.class, "common.json", "/definitions/routingDecision/properties/rejected/items"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordsAndSchemas")
    void every_record_field_is_in_its_schema_and_nothing_else_is(Class<? extends Record> type, String file, String pointer) {
        JsonNode schema = SchemaFiles.tree(file).at(pointer);
        Set<String> documented = new TreeSet<>();
        schema.path("properties").fieldNames().forEachRemaining(documented::add);
        Set<String> fields = new TreeSet<>();
        PropertyNamingStrategies.SnakeCaseStrategy snake = new PropertyNamingStrategies.SnakeCaseStrategy();
        for (RecordComponent c : type.getRecordComponents()) {
            fields.add(snake.translate(c.getName()));
        }

        assertThat(documented).isEqualTo(fields);
        schema.path("required").forEach(r -> assertThat(fields).contains(r.asText()));
    }

    @Test
    void enums_are_the_codes_the_code_writes() {
        JsonNode defs = SchemaFiles.tree("common.json").path("definitions");

        assertThat(texts(defs.at("/errorType/enum"))).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(ErrorType.values()).map(ErrorType::code).toList());
        assertThat(texts(defs.at("/outcome/enum"))).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(Outcome.values()).map(Outcome::code).toList());
        assertThat(texts(defs.at("/endpoint/enum"))).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(Endpoint.values()).map(Endpoint::path).toList());
        assertThat(texts(defs.at("/priority/enum"))).containsExactlyElementsOf(DispatchRecords.PRIORITIES);
        assertThat(texts(SchemaFiles.tree("DeploymentHealthSnapshot.json").at("/properties/circuit/enum")))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(DeploymentHealthSnapshot.Circuit.values())
                        .map(DeploymentHealthSnapshot.Circuit::code).toList());
    }

    @Test
    void dead_letter_headers_are_the_ones_dead_letters_carry() throws IllegalAccessException {
        JsonNode schema = SchemaFiles.tree("DeadLetterHeaders.json");
        Set<String> dlqHeaders = new TreeSet<>();
        for (Field f : Headers.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getName().startsWith("DLQ_")) {
                dlqHeaders.add((String) f.get(null));
            }
        }
        Set<String> documented = new TreeSet<>();
        schema.path("properties").fieldNames().forEachRemaining(n -> {
            if (n.startsWith("railyard.dlq.")) {
                documented.add(n);
            }
        });

        assertThat(documented).isEqualTo(dlqHeaders);
        Map<String, String> example = new LinkedHashMap<>();
        example.put(Headers.TENANT, "default");
        example.put(Headers.DLQ_STAGE, "router");
        example.put(Headers.DLQ_REASON, "job_id is missing");
        example.put(Headers.DLQ_ERROR_TYPE, "malformed_record");
        example.put(Headers.DLQ_TOPIC, "railyard.jobs.submitted");
        example.put(Headers.DLQ_PARTITION, "3");
        example.put(Headers.DLQ_OFFSET, "1042");
        example.put(Headers.DLQ_AT, T.toString());
        assertThat(SchemaFiles.problems("DeadLetterHeaders.json", JSON.valueToTree(example))).isEmpty();
        example.remove(Headers.DLQ_REASON);
        assertThat(SchemaFiles.problems("DeadLetterHeaders.json", JSON.valueToTree(example))).isNotEmpty();
    }

    // ---- a record produced straight to Kafka is judged like a REST request -------------------------------------

    @ParameterizedTest(name = "{0} {1} -> valid={2}")
    @CsvSource(delimiter = '|', value = {
            "/v1/chat/completions | {\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | true",
            "/v1/chat/completions | {\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],\"max_tokens\":5,\"temperature\":0.2,\"stream\":false} | true",
            "/v1/chat/completions | {\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[]}]} | true",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | false",
            "/v1/chat/completions | {\"model\":\" \",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | false",
            "/v1/chat/completions | {\"model\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | false",
            "/v1/chat/completions | {\"model\":\"m\"} | false",
            "/v1/chat/completions | {\"model\":\"m\",\"messages\":[]} | false",
            "/v1/chat/completions | {\"model\":\"m\",\"messages\":[\"hi\"]} | false",
            "/v1/chat/completions | {\"model\":\"m\",\"messages\":[{\"content\":\"hi\"}]} | false",
            "/v1/chat/completions | {\"model\":\"m\",\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]} | false",
            "/v1/chat/completions | {\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":null}]} | false",
            "/v1/chat/completions | {\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":7}]} | false",
            "/v1/chat/completions | {\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":0} | false",
            "/v1/chat/completions | {\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":\"2\"} | false",
            "/v1/chat/completions | {\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":3} | false",
            "/v1/chat/completions | {\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true} | false",
            "/v1/embeddings | {\"model\":\"e\",\"input\":\"hello\"} | true",
            "/v1/embeddings | {\"model\":\"e\",\"input\":[\"a\",\"b\"]} | true",
            "/v1/embeddings | {\"model\":\"e\",\"input\":\"\"} | false",
            "/v1/embeddings | {\"model\":\"e\",\"input\":[]} | false",
            "/v1/embeddings | {\"model\":\"e\",\"input\":5} | false",
            "/v1/embeddings | {\"model\":\"e\"} | false",
            "/v1/completions | {\"model\":\"m\",\"prompt\":\"hi\"} | false",
            "/v1/embeddings | [1,2] | false"})
    void the_submitted_schema_accepts_what_the_router_accepts(String endpoint, String body, boolean valid) throws IOException {
        JsonNode request = JSON.readTree(body);
        ObjectNode record = JSON.createObjectNode().put("job_id", "job_x").put("endpoint", endpoint);
        record.set("body", request);

        assertThat(new JobRequestValidator().validate(endpoint, request).isEmpty()).as("JobRequestValidator").isEqualTo(valid);
        assertThat(SchemaFiles.problems("JobSubmitted.json", record).isEmpty()).as("JobSubmitted.json").isEqualTo(valid);
    }

    // ---- fixtures ---------------------------------------------------------------------------------------------

    private static JobSubmitted fullSubmitted() {
        return new JobSubmitted(1, "e1", "job_1", T, "acme", "batch_1", "line-7", 7, Endpoint.CHAT_COMPLETIONS.path(),
                "gpt-4o-mini", body("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":16}"),
                "bulk", T.plusSeconds(86_400), Map.of("team", "search"), "https://example.com/hook", "key_1");
    }

    private static JobSubmitted minimalSubmitted() {
        return new JobSubmitted(1, "e0", "job_0", T, null, null, null, 0, Endpoint.CHAT_COMPLETIONS.path(), null,
                body("{\"model\":\"route:cheap\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), null, null, null, null);
    }

    private static JobSubmitted embeddingsSubmitted() {
        return new JobSubmitted(1, "e9", "job_9", T, "default", null, null, 0, Endpoint.EMBEDDINGS.path(), "text-embedding-3-small",
                body("{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\"],\"dimensions\":8}"), "interactive", null, null, null);
    }

    private static RoutingDecision fullDecision() {
        return new RoutingDecision("openai-gpt-4o-mini", "openai", "gpt-4o-mini", 12, new BigDecimal("0.000021600000"),
                List.of("azure-gpt-4o-mini"), 1, "cheapest capable", "route:cheap", "b", List.of("openai-gpt-4o-mini",
                "azure-gpt-4o-mini", "gemini-flash"), List.of(new RoutingDecision.Rejection("gemini-flash", "circuit open")),
                Map.of("openai-gpt-4o-mini", 0.12, "azure-gpt-4o-mini", 0.4));
    }

    private static Attempt failedAttempt() {
        return new Attempt(Attempt.id("job_1", 1, 1), "openai-gpt-4o-mini", "openai", "gpt-4o-mini", 1, 1, T, 40, 500,
                null, BigDecimal.ZERO, false, new JobError(ErrorType.SERVER_ERROR, "boom", 500, "{\"error\":{}}", "req_1"));
    }

    private static JobResult fullResult() {
        Attempt ok = new Attempt(Attempt.id("job_1", 2, 1), "azure-gpt-4o-mini", "azure", "gpt-4o-mini", 2, 1, T, 80, 200,
                Usage.estimate(12, 30), new BigDecimal("0.000019800000"), true, null);
        return new JobResult(1, "e5", "job_1", T, "acme", "batch_1", "line-7", Endpoint.CHAT_COMPLETIONS.path(),
                Outcome.SUCCEEDED, "gpt-4o-mini", "azure-gpt-4o-mini",
                body("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[]}"), new Usage(12, 30, 4),
                new BigDecimal("0.000019800000"), 120, 35L, List.of(failedAttempt(), ok), null, fullDecision(), 85.5);
    }

    private static JobResult routerFailure() {
        return new JobResult(1, "e4", "job_2", T, null, null, null, null, Outcome.FAILED, null, null, null, Usage.NONE,
                BigDecimal.ZERO, 0, null, List.of(), JobError.of(ErrorType.INVALID_REQUEST, "invalid request: body.messages: messages is required"));
    }

    private static JsonNode body(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
