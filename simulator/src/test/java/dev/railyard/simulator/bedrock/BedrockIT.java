package dev.railyard.simulator.bedrock;

import static dev.railyard.simulator.SimClient.HTTP;
import static dev.railyard.simulator.SimClient.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.simulator.SimClient;
import dev.railyard.simulator.Simulator;
import dev.railyard.simulator.SimulatorSettings;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bedrock Runtime's wire format over real HTTP, every request signed with the AWS SDK's SigV4 signer. */
class BedrockIT {
    private static final String AKID = SimulatorSettings.AWS_ACCESS_KEY_ID;
    private static final String SECRET = SimulatorSettings.AWS_SECRET_ACCESS_KEY;
    private static final String NOVA = "/model/amazon.nova-lite-v1%3A0/converse";
    private static Vertx vertx;
    private static Simulator simulator;
    private static JsonNode shapes;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = SimClient.start(vertx, SimulatorSettings.defaults().withAwsCredential("AKIDSECOND", "second-secret"));
        shapes = JSON.readTree(Path.of("../../shared/specs/bedrock/bedrock-runtime-2023-09-30.json").toFile()).path("shapes");
    }

    @AfterAll
    static void stop() throws Exception {
        simulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static HttpResponse<String> signed(Simulator s, String path, String body, String akid, String secret) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create(SimClient.root(s) + path);
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        Signing.headers(uri, bytes, akid, secret, "us-east-1", Instant.now()).forEach(req::header);
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> signed(String path, String body) throws Exception {
        return signed(simulator, path, body, AKID, SECRET);
    }

    static String converse(String text) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("messages").addObject().put("role", "user").putArray("content").addObject().put("text", text);
        body.putArray("system").addObject().put("text", "Be brief.");
        body.putObject("inferenceConfig").put("maxTokens", 512).put("temperature", 0.2);
        return body.toString();
    }

    /** Every key of {@code node} is a member of the Smithy structure {@code shape}. */
    private static void assertMembersOf(JsonNode node, String shape) {
        JsonNode members = shapes.path("com.amazonaws.bedrockruntime#" + shape).path("members");
        assertThat(members.isObject()).as(shape).isTrue();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            assertThat(members.has(name)).as(shape + " has member " + name).isTrue();
        }
    }

    @Test
    void converse_answers_in_the_smithy_models_shape() throws Exception {
        HttpResponse<String> response = signed(NOVA, converse("Say hi"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-amzn-RequestId")).hasValueSatisfying(id -> assertThat(id).hasSize(36));
        JsonNode body = SimClient.json(response);
        assertMembersOf(body, "ConverseResponse");
        assertMembersOf(body.path("output"), "ConverseOutput");
        assertMembersOf(body.path("output").path("message"), "Message");
        assertMembersOf(body.path("usage"), "TokenUsage");
        assertMembersOf(body.path("metrics"), "ConverseMetrics");
        assertThat(body.at("/output/message/role").asText()).isEqualTo("assistant");
        assertThat(body.at("/output/message/content/0/text").asText()).isNotBlank();
        assertThat(body.path("stopReason").asText()).isEqualTo("end_turn");
        JsonNode usage = body.path("usage");
        assertThat(usage.path("inputTokens").asInt()).isPositive();
        assertThat(usage.path("totalTokens").asInt()).isEqualTo(usage.path("inputTokens").asInt() + usage.path("outputTokens").asInt());
    }

    @Test
    void max_tokens_stops_with_max_tokens() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(converse("Tell a story"));
        body.with("inferenceConfig").put("maxTokens", 2);

        JsonNode answer = SimClient.json(signed(NOVA, body.toString()));

        assertThat(answer.path("stopReason").asText()).isEqualTo("max_tokens");
        assertThat(answer.at("/usage/outputTokens").asInt()).isEqualTo(2);
    }

    @Test
    void sim_tool_calls_the_first_tool_with_its_required_fields() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(converse("Weather in Paris? [sim:tool]"));
        body.putObject("toolConfig").putArray("tools").addObject().putObject("toolSpec").put("name", "get_weather")
                .putObject("inputSchema").set("json", JSON.readTree(
                        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}"));

        JsonNode answer = SimClient.json(signed(NOVA, body.toString()));

        assertThat(answer.path("stopReason").asText()).isEqualTo("tool_use");
        JsonNode use = answer.at("/output/message/content/0/toolUse");
        assertMembersOf(use, "ToolUseBlock");
        assertThat(use.path("name").asText()).isEqualTo("get_weather");
        assertThat(use.path("input").path("city").isTextual()).isTrue();
        assertThat(use.path("toolUseId").asText()).startsWith("tooluse_");
    }

    @Test
    void a_tampered_body_is_refused_with_invalid_signature() throws Exception {
        byte[] signedBody = converse("hi").getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create(SimClient.root(simulator) + NOVA);
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(converse("hi there")));
        Signing.headers(uri, signedBody, AKID, SECRET, "us-east-1", Instant.now()).forEach(req::header);

        HttpResponse<String> response = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("InvalidSignatureException");
        assertThat(SimClient.json(response).path("message").asText())
                .startsWith("The request signature we calculated does not match the signature you provided");
    }

    @Test
    void a_configured_second_key_pair_is_accepted_and_an_unknown_one_is_not() throws Exception {
        assertThat(signed(simulator, NOVA, converse("hi"), "AKIDSECOND", "second-secret").statusCode()).isEqualTo(200);

        HttpResponse<String> unknown = signed(simulator, NOVA, converse("hi"), "AKIDNOBODY", "x");
        assertThat(unknown.statusCode()).isEqualTo(403);
        assertThat(unknown.headers().firstValue("x-amzn-ErrorType")).contains("UnrecognizedClientException");
    }

    @Test
    void an_unsigned_request_is_a_missing_authentication_token() throws Exception {
        HttpResponse<String> response = SimClient.post(simulator, NOVA, converse("hi"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("MissingAuthenticationTokenException");
        assertThat(SimClient.json(response).path("message").asText()).isEqualTo("Missing Authentication Token");
    }

    @ParameterizedTest
    @CsvSource({
        "400, ValidationException",
        "403, AccessDeniedException",
        "404, ResourceNotFoundException",
        "408, ModelTimeoutException",
        "424, ModelErrorException",
        "429, ThrottlingException",
        "500, InternalServerException",
        "503, ServiceUnavailableException"})
    void status_directives_answer_bedrocks_exceptions(int status, String type) throws Exception {
        HttpResponse<String> response = signed(NOVA, converse("[sim:status=" + status + "] hi"));

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains(type);
        assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
        JsonNode body = SimClient.json(response);
        assertThat(body.path("message").asText()).isNotBlank();
        // The exception is a Smithy error shape with that HTTP status.
        JsonNode shape = shapes.path("com.amazonaws.bedrockruntime#" + type);
        assertThat(shape.at("/traits/smithy.api#httpError").asInt()).isEqualTo(status);
        assertMembersOf(body, type);
    }

    @Test
    void context_length_is_a_validation_exception() throws Exception {
        HttpResponse<String> response = signed(NOVA, converse("[sim:context_length]"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("ValidationException");
        assertThat(SimClient.json(response).path("message").asText()).isEqualTo("Input is too long for requested model.");
    }

    @Test
    void a_conversation_starting_with_the_assistant_is_a_validation_exception() throws Exception {
        String body = "{\"messages\":[{\"role\":\"assistant\",\"content\":[{\"text\":\"hi\"}]}]}";

        HttpResponse<String> response = signed(NOVA, body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("ValidationException");
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {"amazon.titan-embed-text-v2%3A0, 512, 512", "amazon.titan-embed-text-v2%3A0, null, 1024",
        "amazon.titan-embed-text-v1, null, 1536"})
    void titan_embeddings_have_titans_shape(String model, Integer dimensions, int expected) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("inputText", "hello rails");
        if (dimensions != null) {
            body.put("dimensions", dimensions);
        }

        HttpResponse<String> response = signed("/model/" + model + "/invoke", body.toString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = SimClient.json(response);
        assertThat(answer.path("embedding").size()).isEqualTo(expected);
        assertThat(answer.path("inputTextTokenCount").asInt()).isPositive();
        assertThat(response.headers().firstValue("X-Amzn-Bedrock-Input-Token-Count"))
                .contains(answer.path("inputTextTokenCount").asText());
    }

    @Test
    void cohere_embeddings_have_coheres_shape() throws Exception {
        String body = "{\"texts\":[\"one\",\"two\"],\"input_type\":\"search_document\"}";

        JsonNode answer = SimClient.json(signed("/model/cohere.embed-english-v3/invoke", body));

        assertThat(answer.path("embeddings").size()).isEqualTo(2);
        assertThat(answer.path("embeddings").get(0).size()).isEqualTo(1024);
        assertThat(answer.path("texts")).hasSize(2);
        assertThat(answer.path("id").asText()).isNotBlank();
        assertThat(answer.path("response_type").asText()).isEqualTo("embeddings_floats");
    }

    @Test
    void requests_per_minute_throttle_with_a_throttling_exception() throws Exception {
        Simulator limited = SimClient.start(vertx, SimulatorSettings.defaults().withRequestsPerMinute(3));
        try {
            List<Integer> statuses = new ArrayList<>();
            HttpResponse<String> last = null;
            for (int i = 0; i < 4; i++) {
                last = signed(limited, NOVA, converse("hi " + i), AKID, SECRET);
                statuses.add(last.statusCode());
            }
            assertThat(statuses).containsExactly(200, 200, 200, 429);
            assertThat(last.headers().firstValue("x-amzn-ErrorType")).contains("ThrottlingException");
            assertThat(SimClient.json(last).path("message").asText()).isEqualTo("Too many requests, please wait before trying again.");
        } finally {
            limited.close();
        }
    }

    @Test
    void injected_faults_use_bedrocks_exceptions() throws Exception {
        Simulator faulty = SimClient.start(vertx, SimulatorSettings.defaults().withErrorRate(1.0).withTimeoutHoldMs(20));
        try {
            Map<String, Integer> kinds = new java.util.TreeMap<>();
            for (int i = 0; i < 40; i++) {
                String kind;
                try {
                    HttpResponse<String> r = signed(faulty, NOVA, converse("job " + i), AKID, SECRET);
                    kind = r.statusCode() + ":" + r.headers().firstValue("x-amzn-ErrorType").orElse("-");
                } catch (java.io.IOException e) {
                    kind = "hung-up";
                }
                kinds.merge(kind, 1, Integer::sum);
            }
            assertThat(kinds.keySet()).isSubsetOf("429:ThrottlingException", "500:InternalServerException",
                    "503:ServiceUnavailableException", "hung-up", "200:-");
            assertThat(kinds.keySet()).contains("429:ThrottlingException", "500:InternalServerException", "503:ServiceUnavailableException");
        } finally {
            faulty.close();
        }
    }
}
