package dev.railyard.schema.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.railyard.schema.Delays;
import dev.railyard.schema.Headers;
import dev.railyard.schema.Topics;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/asyncapi.yaml and docs/kafka.md describe exactly the topics, headers and schema files the code has. */
class AsyncApiTest {
    private static final Path DOCS = Path.of("..", "docs");
    private static final String SCHEMA_DIR = "../schema/src/main/resources/schemas/";
    private static JsonNode spec;

    @BeforeAll
    static void read() throws IOException {
        spec = new ObjectMapper(new YAMLFactory()).readTree(DOCS.resolve("asyncapi.yaml").toFile());
    }

    @Test
    void is_an_asyncapi_3_document_for_kafka() {
        assertThat(spec.path("asyncapi").asText()).isEqualTo("3.0.0");
        assertThat(spec.at("/servers/local/protocol").asText()).isEqualTo("kafka");
    }

    @Test
    void lists_exactly_the_topics_of_the_code_plus_the_dispatch_and_delay_patterns() throws IllegalAccessException {
        Set<String> expected = new TreeSet<>();
        for (Field f : Topics.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class && !f.getName().endsWith("_PREFIX")) {
                expected.add((String) f.get(null));
            }
        }
        expected.add(Topics.DISPATCH_PREFIX + "{provider}");
        expected.add(Delays.TOPIC_PREFIX + "{tier}");

        assertThat(addresses()).isEqualTo(expected);
        assertThat(Topics.dispatch("openai")).isEqualTo(Topics.DISPATCH_PREFIX + "openai");
    }

    @Test
    void the_delay_tiers_are_the_code_tiers() {
        List<String> tiers = texts(channel(Delays.TOPIC_PREFIX + "{tier}").at("/parameters/tier/enum"));

        assertThat(tiers.stream().map(t -> Delays.TOPIC_PREFIX + t).toList()).isEqualTo(Delays.topics());
        assertThat(texts(spec.at("/components/schemas/DelayHeaders/required"))).containsExactlyInAnyOrder(Delays.DUE, Delays.TARGET);
    }

    @Test
    void only_the_state_topics_are_compacted() {
        for (String address : addresses()) {
            List<String> policy = texts(channel(address).at("/bindings/kafka/topicConfiguration/cleanup.policy"));
            boolean compacted = address.equals(Topics.BUDGET_STATE) || address.equals(Topics.DEPLOYMENT_HEALTH);
            assertThat(policy).as(address).containsExactly(compacted ? "compact" : "delete");
        }
    }

    @Test
    void every_payload_schema_file_is_referenced_and_every_reference_exists() {
        Set<String> referenced = new TreeSet<>();
        collectRefs(spec.path("components").path("messages"), referenced);

        assertThat(referenced).allSatisfy(ref -> {
            assertThat(ref).startsWith(SCHEMA_DIR);
            assertThat(Files.isRegularFile(DOCS.resolve(ref))).as(ref).isTrue();
        });
        Set<String> files = new TreeSet<>(SchemaFiles.names());
        files.remove("common.json"); // definitions the payload schemas share
        assertThat(referenced.stream().map(r -> r.substring(SCHEMA_DIR.length())).toList()).containsExactlyInAnyOrderElementsOf(files);
    }

    @Test
    void every_channel_message_and_operation_reference_resolves() {
        List<String> refs = new ArrayList<>();
        collectLocalRefs(spec, refs);

        assertThat(refs).isNotEmpty().allSatisfy(ref -> assertThat(spec.at(ref.substring(1)).isMissingNode()).as(ref).isFalse());
        Map<String, Integer> operationsPerChannel = new HashMap<>();
        spec.path("operations").forEach(op -> operationsPerChannel.merge(op.at("/channel/$ref").asText(), 1, Integer::sum));
        spec.path("channels").fieldNames().forEachRemaining(id ->
                assertThat(operationsPerChannel).as("operations on channel %s", id).containsKey("#/channels/" + id));
    }

    @Test
    void the_submitted_headers_are_the_ones_api_ingest_sets() {
        JsonNode headers = spec.at("/components/schemas/SubmittedHeaders/properties");

        assertThat(iterable(headers.fieldNames())).containsExactlyInAnyOrder(Headers.TENANT, Headers.PRIORITY, Headers.JOB_ID,
                Headers.TRACEPARENT);
    }

    @Test
    void kafka_md_describes_every_topic() throws IOException {
        String doc = Files.readString(DOCS.resolve("kafka.md"));

        assertThat(addresses()).allSatisfy(address -> assertThat(doc).contains("`" + address + "`"));
        assertThat(doc).contains("asyncapi.yaml");
    }

    private static Set<String> addresses() {
        Set<String> out = new TreeSet<>();
        spec.path("channels").forEach(c -> out.add(c.path("address").asText()));
        return out;
    }

    private static JsonNode channel(String address) {
        for (JsonNode c : spec.path("channels")) {
            if (c.path("address").asText().equals(address)) {
                return c;
            }
        }
        throw new AssertionError("no channel " + address);
    }

    private static void collectRefs(JsonNode node, Set<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref") && !e.getValue().asText().startsWith("#")) {
                    out.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, out));
        }
    }

    private static void collectLocalRefs(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref") && e.getValue().asText().startsWith("#")) {
                    out.add(e.getValue().asText());
                } else {
                    collectLocalRefs(e.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectLocalRefs(n, out));
        }
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
