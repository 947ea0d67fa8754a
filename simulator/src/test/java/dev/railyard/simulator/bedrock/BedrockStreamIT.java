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

/** ConverseStream over real HTTP: AWS's binary event stream, events and exceptions shaped as the Smithy model says. */
class BedrockStreamIT {
    private static final String AKID = SimulatorSettings.AWS_ACCESS_KEY_ID;
    private static final String SECRET = SimulatorSettings.AWS_SECRET_ACCESS_KEY;
    private static final String STREAM = "/model/amazon.nova-lite-v1%3A0/converse-stream";
    private static final String CONVERSE = "/model/amazon.nova-lite-v1%3A0/converse";
    private static Vertx vertx;
    private static Simulator simulator;
    private static JsonNode shapes;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = SimClient.start(vertx, SimulatorSettings.defaults());
        shapes = JSON.readTree(Path.of("../../shared/specs/bedrock/bedrock-runtime-2023-09-30.json").toFile()).path("shapes");
    }

    @AfterAll
    static void stop() throws Exception {
        simulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static HttpResponse<byte[]> signed(Simulator s, String path, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create(SimClient.root(s) + path);
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        Signing.headers(uri, bytes, AKID, SECRET, "us-east-1", Instant.now()).forEach(req::header);
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static List<EventStreamReader.Message> stream(String body) throws Exception {
        HttpResponse<byte[]> response = signed(simulator, STREAM, body);
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).contains("application/vnd.amazon.eventstream");
        assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
        return EventStreamReader.read(response.body());
    }

    private static String tools(String text) throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(BedrockIT.converse(text));
        body.putObject("toolConfig").putArray("tools").addObject().putObject("toolSpec").put("name", "get_weather")
                .putObject("inputSchema").set("json", JSON.readTree(
                        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}"));
        return body.toString();
    }

    /** Each event is a member of the ConverseStreamOutput union, its payload of that member's shape (plus the padding). */
    private static JsonNode payloadOf(EventStreamReader.Message m) throws Exception {
        String member = m.header(":message-type").equals("event") ? m.header(":event-type") : m.header(":exception-type");
        JsonNode union = shapes.path("com.amazonaws.bedrockruntime#ConverseStreamOutput").path("members");
        assertThat(union.has(member)).as("ConverseStreamOutput has member " + member).isTrue();
        String shape = union.path(member).path("target").asText();
        JsonNode members = shapes.path(shape).path("members");
        JsonNode payload = JSON.readTree(m.payload());
        for (Iterator<String> it = payload.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            assertThat(members.has(name) || "p".equals(name)).as(shape + " has member " + name).isTrue();
        }
        assertThat(m.header(":content-type")).isEqualTo("application/json");
        return payload;
    }

    @Test
    void a_text_answer_streams_the_same_text_and_usage_as_converse() throws Exception {
        String body = BedrockIT.converse("Say hi");

        List<EventStreamReader.Message> messages = stream(body);
        JsonNode whole = JSON.readTree(signed(simulator, CONVERSE, body).body());

        assertThat(messages).allSatisfy(m -> assertThat(m.header(":message-type")).isEqualTo("event"));
        List<String> types = messages.stream().map(m -> m.header(":event-type")).toList();
        assertThat(types.get(0)).isEqualTo("messageStart");
        assertThat(types.subList(types.size() - 3, types.size())).containsExactly("contentBlockStop", "messageStop", "metadata");
        assertThat(types.subList(1, types.size() - 3)).isNotEmpty().allMatch("contentBlockDelta"::equals);
        StringBuilder text = new StringBuilder();
        JsonNode last = null;
        for (EventStreamReader.Message m : messages) {
            JsonNode payload = payloadOf(m);
            assertThat(payload.path("p").asText()).isNotEmpty();
            if ("contentBlockDelta".equals(m.header(":event-type"))) {
                assertThat(payload.path("contentBlockIndex").asInt()).isZero();
                text.append(payload.at("/delta/text").asText());
            }
            last = payload;
        }
        assertThat(JSON.readTree(messages.get(0).payload()).path("role").asText()).isEqualTo("assistant");
        assertThat(text.toString()).isEqualTo(whole.at("/output/message/content/0/text").asText());
        assertThat(JSON.readTree(messages.get(messages.size() - 2).payload()).path("stopReason").asText())
                .isEqualTo(whole.path("stopReason").asText());
        assertThat(last.path("usage")).isEqualTo(whole.path("usage"));
    }

    @Test
    void a_tool_call_streams_its_start_then_its_input_json_in_pieces() throws Exception {
        List<EventStreamReader.Message> messages = stream(tools("Weather in Paris? [sim:tool]"));

        List<String> types = messages.stream().map(m -> m.header(":event-type")).toList();
        assertThat(types).startsWith("messageStart", "contentBlockStart", "contentBlockDelta")
                .endsWith("contentBlockStop", "messageStop", "metadata");
        JsonNode start = payloadOf(messages.get(1));
        assertThat(start.at("/start/toolUse/name").asText()).isEqualTo("get_weather");
        assertThat(start.at("/start/toolUse/toolUseId").asText()).startsWith("tooluse_");
        StringBuilder input = new StringBuilder();
        for (EventStreamReader.Message m : messages) {
            JsonNode payload = payloadOf(m);
            if ("contentBlockDelta".equals(m.header(":event-type"))) {
                input.append(payload.at("/delta/toolUse/input").asText());
            }
        }
        assertThat(JSON.readTree(input.toString()).path("city").isTextual()).isTrue();
        assertThat(payloadOf(messages.get(messages.size() - 2)).path("stopReason").asText()).isEqualTo("tool_use");
    }

    @Test
    void the_metadata_reports_the_latency_chosen_for_the_answer() throws Exception {
        List<EventStreamReader.Message> messages = stream(BedrockIT.converse("[sim:latency=40] hi"));

        assertThat(payloadOf(messages.get(messages.size() - 1)).at("/metrics/latencyMs").asLong()).isEqualTo(40);
    }

    @ParameterizedTest
    @CsvSource({
        "424, modelStreamErrorException",
        "429, throttlingException",
        "500, internalServerException",
        "503, serviceUnavailableException"})
    void a_streamable_error_breaks_off_the_stream_as_an_exception_message(int status, String type) throws Exception {
        List<EventStreamReader.Message> messages = stream(BedrockIT.converse("[sim:status=" + status + "] hi"));

        EventStreamReader.Message last = messages.get(messages.size() - 1);
        assertThat(last.header(":message-type")).isEqualTo("exception");
        assertThat(last.header(":exception-type")).isEqualTo(type);
        assertThat(payloadOf(last).path("message").asText()).isNotBlank();
        assertThat(messages.get(0).header(":event-type")).isEqualTo("messageStart");
        assertThat(messages.subList(0, messages.size() - 1)).allSatisfy(m -> assertThat(m.header(":message-type")).isEqualTo("event"))
                .noneMatch(m -> "messageStop".equals(m.header(":event-type")));
    }

    @ParameterizedTest
    @CsvSource({"400, ValidationException", "403, AccessDeniedException", "404, ResourceNotFoundException",
        "408, ModelTimeoutException"})
    void other_errors_are_http_errors_before_any_stream(int status, String type) throws Exception {
        HttpResponse<byte[]> response = signed(simulator, STREAM, BedrockIT.converse("[sim:status=" + status + "] hi"));

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains(type);
        assertThat(JSON.readTree(response.body()).path("message").asText()).isNotBlank();
    }

    @Test
    void an_unsigned_stream_request_is_refused_like_any_other() throws Exception {
        HttpResponse<String> response = SimClient.post(simulator, STREAM, BedrockIT.converse("hi"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("MissingAuthenticationTokenException");
    }

    @Test
    void a_key_over_its_request_limit_gets_a_throttling_exception_as_the_first_message() throws Exception {
        Simulator limited = SimClient.start(vertx, SimulatorSettings.defaults().withRequestsPerMinute(1));
        try {
            assertThat(signed(limited, STREAM, BedrockIT.converse("one")).statusCode()).isEqualTo(200);

            HttpResponse<byte[]> over = signed(limited, STREAM, BedrockIT.converse("two"));

            assertThat(over.statusCode()).isEqualTo(200);
            List<EventStreamReader.Message> messages = EventStreamReader.read(over.body());
            assertThat(messages).hasSize(1);
            assertThat(messages.get(0).header(":exception-type")).isEqualTo("throttlingException");
            assertThat(JSON.readTree(messages.get(0).payload()).path("message").asText())
                    .isEqualTo("Too many requests, please wait before trying again.");
        } finally {
            limited.close();
        }
    }

    @Test
    void injected_faults_break_streams_with_bedrocks_stream_exceptions() throws Exception {
        Simulator faulty = SimClient.start(vertx, SimulatorSettings.defaults().withErrorRate(1.0).withTimeoutHoldMs(20));
        try {
            Map<String, Integer> kinds = new TreeMap<>();
            for (int i = 0; i < 40; i++) {
                String kind;
                try {
                    HttpResponse<byte[]> r = signed(faulty, STREAM, BedrockIT.converse("job " + i));
                    List<EventStreamReader.Message> messages = EventStreamReader.read(r.body());
                    EventStreamReader.Message last = messages.get(messages.size() - 1);
                    kind = r.statusCode() + ":" + (last.header(":exception-type") != null ? last.header(":exception-type") : last.header(":event-type"));
                } catch (java.io.IOException | RuntimeException e) {
                    kind = "broken"; // a hang-up, or a stream cut off inside a message
                }
                kinds.merge(kind, 1, Integer::sum);
            }
            assertThat(kinds.keySet()).isSubsetOf("200:throttlingException", "200:internalServerException",
                    "200:serviceUnavailableException", "200:metadata", "200:contentBlockDelta", "200:messageStart", "broken");
            assertThat(kinds.keySet()).contains("200:throttlingException", "200:internalServerException", "200:serviceUnavailableException");
        } finally {
            faulty.close();
        }
    }
}
