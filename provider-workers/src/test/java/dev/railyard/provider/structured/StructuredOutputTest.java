package dev.railyard.provider.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.provider.ProviderException;
import dev.railyard.schema.event.ErrorType;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StructuredOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "/v1/chat/completions";
    private static final String PERSON = """
            {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0}},
             "required":["name","age"],"additionalProperties":false}""";

    private final StructuredOutput output = new StructuredOutput(new SchemaCache(16));

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static JsonNode jobWithSchema(String schema) {
        return json("{\"model\":\"m\",\"messages\":[],\"response_format\":{\"type\":\"json_schema\",\"json_schema\":"
                + "{\"name\":\"person\",\"strict\":true,\"schema\":" + schema + "}}}");
    }

    private static JsonNode jobWithFormat(String type) {
        return json("{\"model\":\"m\",\"messages\":[],\"response_format\":{\"type\":\"" + type + "\"}}");
    }

    /** A chat completion with one choice per content; a null content is a tool-calls-only choice. */
    private static JsonNode completion(String... contents) {
        ObjectNode root = JSON.createObjectNode();
        var choices = root.putArray("choices");
        for (int i = 0; i < contents.length; i++) {
            ObjectNode message = choices.addObject().put("index", i).putObject("message").put("role", "assistant");
            if (contents[i] == null) {
                message.putNull("content");
                message.putArray("tool_calls").addObject().put("id", "call_1").put("type", "function")
                        .putObject("function").put("name", "f").put("arguments", "{}");
            } else {
                message.put("content", contents[i]);
            }
        }
        return root;
    }

    static Stream<Arguments> schemaCases() {
        return Stream.of(
                Arguments.of("conforming object", PERSON, "{\"name\":\"Ada\",\"age\":36}", null),
                Arguments.of("missing required property", PERSON, "{\"name\":\"Ada\"}", "choices[0]: $: required property 'age' not found"),
                Arguments.of("wrong type", PERSON, "{\"name\":\"Ada\",\"age\":\"36\"}", "$.age: string found, integer expected"),
                Arguments.of("below minimum", PERSON, "{\"name\":\"Ada\",\"age\":-1}", "$.age: must have a minimum value of 0"),
                Arguments.of("extra property", PERSON, "{\"name\":\"Ada\",\"age\":1,\"x\":1}", "property 'x' is not defined in the schema"),
                Arguments.of("not JSON at all", PERSON, "Sure! Here is the person: Ada, 36", "choices[0]: content is not JSON"),
                Arguments.of("cut off mid-document", PERSON, "{\"name\":\"Ad", "choices[0]: content is not JSON"),
                Arguments.of("empty content", PERSON, "", "choices[0]: content is empty"),
                Arguments.of("array schema", "{\"type\":\"array\",\"items\":{\"type\":\"number\"}}", "[1,2.5,3]", null),
                Arguments.of("array item wrong", "{\"type\":\"array\",\"items\":{\"type\":\"number\"}}", "[1,\"two\"]", "$[1]: string found, number expected"),
                Arguments.of("enum", "{\"type\":\"string\",\"enum\":[\"red\",\"green\"]}", "\"blue\"", "does not have a value in the enumeration"),
                Arguments.of("local $ref", "{\"$defs\":{\"n\":{\"type\":\"integer\"}},\"type\":\"object\",\"properties\":{\"n\":{\"$ref\":\"#/$defs/n\"}}}",
                        "{\"n\":1.5}", "$.n: number found, integer expected"),
                Arguments.of("draft-07 schema", "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\",\"required\":[\"a\"]}",
                        "{}", "required property 'a' not found"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemaCases")
    void json_schema_answers_are_checked_against_the_jobs_schema(String name, String schema, String content, String violation) {
        OutputCheck check = output.checkFor(CHAT, jobWithSchema(schema)).orElseThrow();

        List<String> violations = check.violations(JSON, completion(content));

        if (violation == null) {
            assertThat(violations).isEmpty();
        } else {
            assertThat(violations).isNotEmpty();
            assertThat(violations.get(0)).contains(violation);
            assertThat(check.describe(violations)).startsWith("output does not match response_format json_schema 'person': ")
                    .contains(violation);
        }
    }

    static Stream<Arguments> jsonObjectCases() {
        return Stream.of(
                Arguments.of("{\"anything\":[1,2]}", null),
                Arguments.of("  {}  ", null),
                Arguments.of("[1,2]", "content is JSON but not an object"),
                Arguments.of("\"a string\"", "content is JSON but not an object"),
                Arguments.of("42", "content is JSON but not an object"),
                Arguments.of("{'single': 'quotes'}", "content is not JSON"),
                Arguments.of("Here you go: {}", "content is not JSON"));
    }

    @ParameterizedTest(name = "json_object: {0}")
    @MethodSource("jsonObjectCases")
    void json_object_answers_must_be_a_json_object(String content, String violation) {
        OutputCheck check = output.checkFor(CHAT, jobWithFormat("json_object")).orElseThrow();

        List<String> violations = check.violations(JSON, completion(content));

        if (violation == null) {
            assertThat(violations).isEmpty();
        } else {
            assertThat(violations).singleElement().asString().startsWith("choices[0]: ").contains(violation);
        }
    }

    static Stream<Arguments> nothingToCheck() {
        return Stream.of(
                Arguments.of(CHAT, "{\"model\":\"m\",\"messages\":[]}"),
                Arguments.of(CHAT, "{\"model\":\"m\",\"messages\":[],\"response_format\":{\"type\":\"text\"}}"),
                Arguments.of(CHAT, "{\"model\":\"m\",\"messages\":[],\"response_format\":null}"),
                Arguments.of("/v1/embeddings", "{\"model\":\"m\",\"input\":\"x\",\"response_format\":{\"type\":\"json_object\"}}"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("nothingToCheck")
    void jobs_without_a_json_format_are_not_checked(String endpoint, String body) {
        assertThat(output.checkFor(endpoint, json(body))).isEmpty();
    }

    @Test
    void every_choice_is_checked_and_the_message_names_the_first_violations_and_counts_the_rest() {
        OutputCheck check = output.checkFor(CHAT, jobWithSchema(PERSON)).orElseThrow();

        List<String> violations = check.violations(JSON, completion("{\"name\":\"Ada\",\"age\":1}", "{}", "nope", "[]"));

        assertThat(violations).hasSize(4); // choice 1 lacks two properties, choice 2 is no JSON, choice 3 an array
        assertThat(violations.get(0)).startsWith("choices[1]: ");
        assertThat(violations.get(2)).startsWith("choices[2]: content is not JSON");
        assertThat(violations.get(3)).startsWith("choices[3]: ");
        assertThat(check.describe(violations)).endsWith("; and 1 more")
                .doesNotContain("choices[3]");
    }

    @Test
    void a_choice_that_only_calls_tools_is_not_checked_but_one_without_content_fails() {
        OutputCheck check = output.checkFor(CHAT, jobWithSchema(PERSON)).orElseThrow();
        ObjectNode refused = (ObjectNode) completion("x");
        ((ObjectNode) refused.at("/choices/0/message")).putNull("content").put("refusal", "I can't help with that");

        assertThat(check.violations(JSON, completion((String) null))).isEmpty();
        assertThat(check.violations(JSON, refused)).containsExactly("choices[0]: no content (refusal: I can't help with that)");
        assertThat(check.violations(JSON, json("{\"choices\":[]}"))).containsExactly("the answer has no choices");
    }

    @Test
    void a_json_schema_without_a_schema_accepts_any_json() {
        OutputCheck check = output.checkFor(CHAT, json("{\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"any\"}}}"))
                .orElseThrow();

        assertThat(check.violations(JSON, completion("[1,\"x\"]"))).isEmpty();
        assertThat(check.violations(JSON, completion("not json"))).hasSize(1);
    }

    static Stream<Arguments> unusableSchemas() {
        return Stream.of(
                Arguments.of("a string", "\"object\""),
                Arguments.of("a remote $ref (never fetched)", "{\"$ref\":\"http://127.0.0.1:9/secret.json\"}"),
                Arguments.of("an unknown type", "{\"type\":\"person\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusableSchemas")
    void an_unusable_schema_fails_the_job_as_invalid_request_before_any_call(String name, String schema) {
        assertThatThrownBy(() -> output.checkFor(CHAT, jobWithSchema(schema)))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.error().type()).isEqualTo(ErrorType.INVALID_REQUEST);
                    assertThat(e.error().message()).startsWith("response_format.json_schema.schema ");
                });
    }

    @Test
    void a_remote_ref_is_refused_without_being_fetched() throws Exception {
        java.util.concurrent.atomic.AtomicInteger fetched = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            fetched.incrementAndGet();
            byte[] schema = "{\"type\":\"object\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, schema.length);
            exchange.getResponseBody().write(schema);
            exchange.close();
        });
        server.start();
        try {
            String ref = "{\"$ref\":\"http://127.0.0.1:" + server.getAddress().getPort() + "/schema.json\"}";

            assertThatThrownBy(() -> output.checkFor(CHAT, jobWithSchema(ref))).isInstanceOf(ProviderException.class);
            assertThat(fetched).hasValue(0);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void compiled_schemas_are_cached_by_text_and_the_cache_is_bounded() {
        SchemaCache cache = new SchemaCache(2);

        var first = cache.compile(json(PERSON));
        assertThat(cache.compile(json(PERSON))).isSameAs(first);
        cache.compile(json("{\"type\":\"string\"}"));
        cache.compile(json("{\"type\":\"number\"}"));

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.compile(json(PERSON))).isNotSameAs(first); // evicted as least recently used, compiled again
    }

    @Test
    void the_least_recently_used_schema_is_the_one_evicted() {
        SchemaCache cache = new SchemaCache(2);
        var a = cache.compile(json("{\"type\":\"string\"}"));
        var b = cache.compile(json("{\"type\":\"number\"}"));
        cache.compile(json("{\"type\":\"string\"}")); // a is now the most recently used

        cache.compile(json("{\"type\":\"boolean\"}"));

        assertThat(cache.compile(json("{\"type\":\"string\"}"))).isSameAs(a);
        assertThat(Optional.of(cache.compile(json("{\"type\":\"number\"}")))).isNotEqualTo(Optional.of(b));
    }
}
