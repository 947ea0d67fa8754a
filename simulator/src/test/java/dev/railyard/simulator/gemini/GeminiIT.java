package dev.railyard.simulator.gemini;

import static dev.railyard.simulator.SimClient.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.simulator.SimClient;
import dev.railyard.simulator.Simulator;
import dev.railyard.simulator.SimulatorSettings;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Gemini's v1beta REST format over real HTTP, checked against Google's protobuf descriptor. */
class GeminiIT {
    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static Vertx vertx;
    private static Simulator simulator;
    private static JsonNode v1beta;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = SimClient.start(vertx, SimulatorSettings.defaults().withRetryAfterMs(7000));
        v1beta = JSON.readTree(Path.of("../../shared/specs/gemini/generativelanguage-protos.json").toFile())
                .at("/nested/google/nested/ai/nested/generativelanguage/nested/v1beta/nested");
    }

    @AfterAll
    static void stop() throws Exception {
        simulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String body(String text) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("contents").addObject().put("role", "user").putArray("parts").addObject().put("text", text);
        body.putObject("systemInstruction").putArray("parts").addObject().put("text", "Be brief.");
        body.putObject("generationConfig").put("temperature", 0.3).put("topP", 0.9).put("topK", 40).put("seed", 7)
                .put("maxOutputTokens", 512).putArray("stopSequences").add("END");
        return body.toString();
    }

    static HttpResponse<String> post(Simulator s, String path, String body) throws Exception {
        return SimClient.post(s, path, body, "x-goog-api-key", "AIza-test");
    }

    /** Every key of {@code node} is a field of the descriptor's message {@code type} (a path like {@code GenerateContentResponse.UsageMetadata}). */
    private static void assertFieldsOf(JsonNode node, String type) {
        JsonNode message = v1beta;
        for (String part : type.split("\\.")) {
            message = message.path(part);
            if (!part.equals(type.split("\\.")[type.split("\\.").length - 1])) {
                message = message.path("nested");
            }
        }
        JsonNode fields = message.path("fields");
        assertThat(fields.isObject()).as(type).isTrue();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            assertThat(fields.has(name)).as(type + " has field " + name).isTrue();
        }
    }

    private static void assertResponseShape(JsonNode response) {
        assertFieldsOf(response, "GenerateContentResponse");
        assertFieldsOf(response.path("usageMetadata"), "GenerateContentResponse.UsageMetadata");
        for (JsonNode candidate : response.path("candidates")) {
            assertFieldsOf(candidate, "Candidate");
            if (candidate.has("content")) {
                assertFieldsOf(candidate.path("content"), "Content");
                for (JsonNode part : candidate.at("/content/parts")) {
                    assertFieldsOf(part, "Part");
                }
            }
            if (candidate.has("finishReason")) {
                assertThat(v1beta.at("/Candidate/nested/FinishReason/values").has(candidate.path("finishReason").asText())).isTrue();
            }
        }
    }

    @Test
    void generate_content_answers_in_the_descriptors_shape() throws Exception {
        HttpResponse<String> response = post(simulator, GENERATE, body("Say hi"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode r = SimClient.json(response);
        assertResponseShape(r);
        assertThat(r.at("/candidates/0/content/role").asText()).isEqualTo("model");
        assertThat(r.at("/candidates/0/content/parts/0/text").asText()).isNotBlank();
        assertThat(r.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(r.at("/candidates/0/index").asInt()).isZero();
        JsonNode usage = r.path("usageMetadata");
        assertThat(usage.path("totalTokenCount").asInt())
                .isEqualTo(usage.path("promptTokenCount").asInt() + usage.path("candidatesTokenCount").asInt());
        assertThat(r.path("modelVersion").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(r.path("responseId").asText()).isNotBlank();
    }

    @Test
    void the_key_may_come_as_a_query_parameter_and_none_is_permission_denied() throws Exception {
        assertThat(SimClient.post(simulator, GENERATE + "?key=AIza-q", body("hi")).statusCode()).isEqualTo(200);

        HttpResponse<String> denied = SimClient.post(simulator, GENERATE, body("hi"));
        assertThat(denied.statusCode()).isEqualTo(403);
        JsonNode error = SimClient.json(denied).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(403);
        assertThat(error.path("status").asText()).isEqualTo("PERMISSION_DENIED");
        assertThat(error.path("message").asText()).isNotBlank();
    }

    @Test
    void candidate_count_and_max_output_tokens_shape_the_answer() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(body("Tell a story"));
        body.with("generationConfig").put("candidateCount", 2).put("maxOutputTokens", 2);

        JsonNode r = SimClient.json(post(simulator, GENERATE, body.toString()));

        assertThat(r.path("candidates")).hasSize(2);
        assertThat(r.at("/candidates/1/index").asInt()).isEqualTo(1);
        assertThat(r.at("/candidates/0/finishReason").asText()).isEqualTo("MAX_TOKENS");
        assertThat(r.at("/usageMetadata/candidatesTokenCount").asInt()).isEqualTo(4);
    }

    @Test
    void json_mode_returns_json_valid_against_the_response_schema() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(body("A recipe"));
        body.with("generationConfig").put("responseMimeType", "application/json").set("responseSchema", JSON.readTree(
                "{\"type\":\"OBJECT\",\"properties\":{\"name\":{\"type\":\"STRING\"},\"steps\":{\"type\":\"ARRAY\","
                        + "\"items\":{\"type\":\"STRING\"}},\"minutes\":{\"type\":\"INTEGER\"}},\"required\":[\"name\",\"minutes\"]}"));

        JsonNode r = SimClient.json(post(simulator, GENERATE, body.toString()));

        JsonNode answer = JSON.readTree(r.at("/candidates/0/content/parts/0/text").asText());
        assertThat(answer.path("name").isTextual()).isTrue();
        assertThat(answer.path("minutes").isInt()).isTrue();
        assertThat(answer.has("steps")).isFalse();
    }

    @Test
    void sim_tool_answers_with_a_function_call() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(body("Weather in Oslo? [sim:tool]"));
        body.putArray("tools").addObject().putArray("functionDeclarations").addObject().put("name", "get_weather")
                .set("parameters", JSON.readTree("{\"type\":\"OBJECT\",\"properties\":{\"city\":{\"type\":\"STRING\"}},\"required\":[\"city\"]}"));

        JsonNode r = SimClient.json(post(simulator, GENERATE, body.toString()));

        assertResponseShape(r);
        JsonNode call = r.at("/candidates/0/content/parts/0/functionCall");
        assertFieldsOf(call, "FunctionCall");
        assertThat(call.path("name").asText()).isEqualTo("get_weather");
        assertThat(call.at("/args/city").isTextual()).isTrue();
    }

    @Test
    void sim_safety_stops_with_safety_and_no_text() throws Exception {
        JsonNode r = SimClient.json(post(simulator, GENERATE, body("[sim:safety]")));

        assertResponseShape(r);
        assertThat(r.at("/candidates/0/finishReason").asText()).isEqualTo("SAFETY");
        assertThat(r.at("/candidates/0/content").isMissingNode()).isTrue();
    }

    @Test
    void content_filter_blocks_the_prompt_with_prompt_feedback() throws Exception {
        JsonNode r = SimClient.json(post(simulator, GENERATE, body("[sim:content_filter]")));

        assertFieldsOf(r, "GenerateContentResponse");
        assertThat(r.has("candidates")).isFalse();
        assertThat(r.at("/promptFeedback/blockReason").asText()).isEqualTo("SAFETY");
    }

    @ParameterizedTest
    @CsvSource({"400, INVALID_ARGUMENT", "403, PERMISSION_DENIED", "404, NOT_FOUND", "429, RESOURCE_EXHAUSTED",
        "500, INTERNAL", "503, UNAVAILABLE", "504, DEADLINE_EXCEEDED"})
    void status_directives_answer_googles_error_shape(int status, String name) throws Exception {
        HttpResponse<String> response = post(simulator, GENERATE, body("[sim:status=" + status + "]"));

        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode error = SimClient.json(response).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(status);
        assertThat(error.path("status").asText()).isEqualTo(name);
        assertThat(error.path("message").asText()).isNotBlank();
    }

    @Test
    void a_429_says_when_to_retry_in_retry_info() throws Exception {
        JsonNode error = SimClient.json(post(simulator, GENERATE, body("[sim:status=429]"))).path("error");

        assertThat(error.path("details")).anySatisfy(d -> {
            assertThat(d.path("@type").asText()).isEqualTo("type.googleapis.com/google.rpc.RetryInfo");
            assertThat(d.path("retryDelay").asText()).isEqualTo("7s");
        });
    }

    @Test
    void context_length_is_invalid_argument() throws Exception {
        JsonNode error = SimClient.json(post(simulator, GENERATE, body("[sim:context_length]"))).path("error");

        assertThat(error.path("status").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(error.path("message").asText()).isEqualTo(
                "The input token count (1048577) exceeds the maximum number of tokens allowed (1048576).");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"contents\":[]}|contents is not specified",
        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],\"temprature\":1}|Unknown name \"temprature\"",
        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],\"generationConfig\":{\"max_tokens\":5}}|Unknown name \"generation_config.max_tokens\"",
        "{\"contents\":[{\"role\":\"bot\",\"parts\":[{\"text\":\"hi\"}]}]}|Please use a valid role"})
    void invalid_requests_are_invalid_argument(String body, String message) throws Exception {
        HttpResponse<String> response = post(simulator, GENERATE, body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(response).at("/error/status").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(SimClient.json(response).at("/error/message").asText()).contains(message);
    }

    @Test
    void snake_case_field_names_are_accepted_as_googles_parser_does() throws Exception {
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],"
                + "\"generation_config\":{\"max_output_tokens\":2}}";

        JsonNode r = SimClient.json(post(simulator, GENERATE, body));

        assertThat(r.at("/candidates/0/finishReason").asText()).isEqualTo("MAX_TOKENS");
    }

    @Test
    void sse_streaming_sends_response_chunks_ending_with_the_finish_reason() throws Exception {
        JsonNode whole = SimClient.json(post(simulator, GENERATE, body("Stream me")));

        HttpResponse<String> response = post(simulator,
                "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", body("Stream me"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<SimClient.Event> events = SimClient.events(response.body());
        assertThat(events).hasSizeGreaterThan(1);
        StringBuilder text = new StringBuilder();
        for (SimClient.Event e : events) {
            JsonNode chunk = SimClient.json(e.data());
            assertResponseShape(chunk);
            text.append(chunk.at("/candidates/0/content/parts/0/text").asText());
        }
        JsonNode last = SimClient.json(events.get(events.size() - 1).data());
        assertThat(last.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(last.path("usageMetadata")).isEqualTo(whole.path("usageMetadata"));
        assertThat(text.toString()).isEqualTo(whole.at("/candidates/0/content/parts/0/text").asText());
    }

    @Test
    void streaming_without_sse_sends_one_json_array() throws Exception {
        HttpResponse<String> response = post(simulator, "/v1beta/models/gemini-2.5-flash:streamGenerateContent", body("Array"));

        JsonNode array = SimClient.json(response);
        assertThat(array.isArray()).isTrue();
        assertThat(array.get(array.size() - 1).at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {"gemini-embedding-001, null, 3072", "gemini-embedding-001, 768, 768",
        "text-embedding-004, null, 768"})
    void embed_content_honours_output_dimensionality(String model, Integer dims, int expected) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("content").putArray("parts").addObject().put("text", "rails");
        if (dims != null) {
            body.put("outputDimensionality", dims);
        }

        JsonNode r = SimClient.json(post(simulator, "/v1beta/models/" + model + ":embedContent", body.toString()));

        assertFieldsOf(r, "EmbedContentResponse");
        assertFieldsOf(r.path("embedding"), "ContentEmbedding");
        assertThat(r.at("/embedding/values").size()).isEqualTo(expected);
    }

    @Test
    void batch_embed_contents_embeds_each_request() throws Exception {
        String body = "{\"requests\":[{\"model\":\"models/gemini-embedding-001\",\"content\":{\"parts\":[{\"text\":\"a\"}]},"
                + "\"outputDimensionality\":8},{\"model\":\"models/gemini-embedding-001\",\"content\":{\"parts\":[{\"text\":\"b\"}]}}]}";

        JsonNode r = SimClient.json(post(simulator, "/v1beta/models/gemini-embedding-001:batchEmbedContents", body));

        assertFieldsOf(r, "BatchEmbedContentsResponse");
        assertThat(r.path("embeddings")).hasSize(2);
        assertThat(r.at("/embeddings/0/values").size()).isEqualTo(8);
        assertThat(r.at("/embeddings/1/values").size()).isEqualTo(3072);
    }

    @Test
    void requests_per_minute_limit_answers_resource_exhausted() throws Exception {
        Simulator limited = SimClient.start(vertx, SimulatorSettings.defaults().withRequestsPerMinute(3));
        try {
            List<Integer> statuses = new ArrayList<>();
            HttpResponse<String> last = null;
            for (int i = 0; i < 4; i++) {
                last = post(limited, GENERATE, body("hi " + i));
                statuses.add(last.statusCode());
            }
            assertThat(statuses).containsExactly(200, 200, 200, 429);
            JsonNode error = SimClient.json(last).path("error");
            assertThat(error.path("status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
            assertThat(error.path("details")).anySatisfy(d -> assertThat(d.at("/violations/0/quotaValue").asText()).isEqualTo("3"));
        } finally {
            limited.close();
        }
    }

    @Test
    void injected_faults_use_googles_statuses() throws Exception {
        Simulator faulty = SimClient.start(vertx, SimulatorSettings.defaults().withErrorRate(1.0).withTimeoutHoldMs(20));
        try {
            Map<String, Integer> kinds = new TreeMap<>();
            for (int i = 0; i < 40; i++) {
                String kind;
                try {
                    HttpResponse<String> r = post(faulty, GENERATE, body("job " + i));
                    kind = r.statusCode() == 200 ? "200" : r.statusCode() + ":" + SimClient.json(r).at("/error/status").asText();
                } catch (java.io.IOException e) {
                    kind = "hung-up";
                }
                kinds.merge(kind, 1, Integer::sum);
            }
            assertThat(kinds.keySet()).isSubsetOf("429:RESOURCE_EXHAUSTED", "500:INTERNAL", "503:UNAVAILABLE", "hung-up", "200");
            assertThat(kinds.keySet()).contains("429:RESOURCE_EXHAUSTED", "500:INTERNAL", "503:UNAVAILABLE");
        } finally {
            faulty.close();
        }
    }
}
