package dev.railyard.simulator.anthropic;

import static dev.railyard.simulator.SimClient.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.simulator.SimClient;
import dev.railyard.simulator.Simulator;
import dev.railyard.simulator.SimulatorSettings;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Anthropic's Messages API over real HTTP. */
class AnthropicIT {
    private static final String MODEL = "claude-sonnet-4-5";
    private static Vertx vertx;
    private static Simulator simulator;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = SimClient.start(vertx, SimulatorSettings.defaults().withRetryAfterMs(2500));
    }

    @AfterAll
    static void stop() throws Exception {
        simulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String body(String text) {
        ObjectNode body = JSON.createObjectNode().put("model", MODEL).put("max_tokens", 1024);
        body.put("system", "You are terse.");
        body.putArray("messages").addObject().put("role", "user").put("content", text);
        return body.toString();
    }

    static HttpResponse<String> post(Simulator s, String body) throws Exception {
        return SimClient.post(s, "/v1/messages", body, "x-api-key", "sk-ant-test", "anthropic-version", "2023-06-01");
    }

    @Test
    void a_message_has_anthropics_shape() throws Exception {
        HttpResponse<String> response = post(simulator, body("Say hi"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("request-id")).hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
        JsonNode m = SimClient.json(response);
        assertThat(m.path("id").asText()).startsWith("msg_");
        assertThat(m.path("type").asText()).isEqualTo("message");
        assertThat(m.path("role").asText()).isEqualTo("assistant");
        assertThat(m.path("model").asText()).isEqualTo(MODEL);
        assertThat(m.at("/content/0/type").asText()).isEqualTo("text");
        assertThat(m.at("/content/0/text").asText()).isNotBlank();
        assertThat(m.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(m.get("stop_sequence").isNull()).isTrue();
        JsonNode usage = m.path("usage");
        assertThat(usage.path("input_tokens").asInt()).isPositive();
        assertThat(usage.path("output_tokens").asInt()).isPositive();
        assertThat(usage.path("cache_creation_input_tokens").asInt()).isZero();
        assertThat(usage.path("cache_read_input_tokens").asInt()).isZero();
    }

    @Test
    void system_blocks_images_and_tool_results_are_accepted() throws Exception {
        String body = """
                {"model":"%s","max_tokens":100,
                 "system":[{"type":"text","text":"Be kind."}],
                 "messages":[
                   {"role":"user","content":[{"type":"text","text":"What is this?"},
                     {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
                     {"type":"image","source":{"type":"url","url":"https://example.com/a.png"}}]},
                   {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"look","input":{"q":"x"}}]},
                   {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"a cat"}]}]}
                """.formatted(MODEL);

        HttpResponse<String> response = post(simulator, body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(SimClient.json(response).path("stop_reason").asText()).isEqualTo("end_turn");
    }

    @Test
    void max_tokens_stops_with_max_tokens() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(body("Tell a long story"));
        body.put("max_tokens", 3);

        JsonNode m = SimClient.json(post(simulator, body.toString()));

        assertThat(m.path("stop_reason").asText()).isEqualTo("max_tokens");
        assertThat(m.at("/usage/output_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void sim_tool_in_the_last_user_turn_answers_with_a_tool_use_block() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(body("Weather? [sim:tool]"));
        body.putArray("tools").addObject().put("name", "get_weather").put("description", "Weather")
                .set("input_schema", JSON.readTree("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}"));

        JsonNode m = SimClient.json(post(simulator, body.toString()));

        assertThat(m.path("stop_reason").asText()).isEqualTo("tool_use");
        JsonNode use = m.at("/content/0");
        assertThat(use.path("type").asText()).isEqualTo("tool_use");
        assertThat(use.path("id").asText()).startsWith("toolu_");
        assertThat(use.path("name").asText()).isEqualTo("get_weather");
        assertThat(use.path("input").path("city").isTextual()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"x-api-key, sk-ant-1", "Authorization, Bearer sk-ant-2"})
    void both_key_headers_are_accepted(String header, String value) throws Exception {
        HttpResponse<String> response = SimClient.post(simulator, "/v1/messages", body("hi"), header, value,
                "anthropic-version", "2023-06-01");

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void no_key_is_an_authentication_error() throws Exception {
        HttpResponse<String> response = SimClient.post(simulator, "/v1/messages", body("hi"), "anthropic-version", "2023-06-01");

        assertThat(response.statusCode()).isEqualTo(401);
        JsonNode error = SimClient.json(response);
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.at("/error/type").asText()).isEqualTo("authentication_error");
        assertThat(error.at("/error/message").asText()).isNotBlank();
        assertThat(error.path("request_id").asText()).isEqualTo(response.headers().firstValue("request-id").orElseThrow());
    }

    @Test
    void no_anthropic_version_header_is_an_invalid_request() throws Exception {
        HttpResponse<String> response = SimClient.post(simulator, "/v1/messages", body("hi"), "x-api-key", "k");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(response).at("/error/message").asText()).isEqualTo("anthropic-version: header is required");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|max_tokens: Field required",
        "{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|model: Field required",
        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5}|messages: Field required",
        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"system\",\"content\":\"hi\"}]}|messages.0.role: Input should be 'user' or 'assistant'"})
    void invalid_requests_name_the_field(String body, String message) throws Exception {
        HttpResponse<String> response = post(simulator, body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(response).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(SimClient.json(response).at("/error/message").asText()).isEqualTo(message);
    }

    @ParameterizedTest
    @CsvSource({
        "400, invalid_request_error", "401, authentication_error", "403, permission_error", "404, not_found_error",
        "413, request_too_large", "429, rate_limit_error", "500, api_error", "529, overloaded_error"})
    void status_directives_answer_anthropics_error_bodies(int status, String type) throws Exception {
        HttpResponse<String> response = post(simulator, body("[sim:status=" + status + "]"));

        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode error = SimClient.json(response);
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.at("/error/type").asText()).isEqualTo(type);
        assertThat(response.headers().firstValue("request-id")).isPresent();
    }

    @Test
    void an_injected_429_says_when_to_retry() throws Exception {
        HttpResponse<String> response = post(simulator, body("[sim:status=429]"));

        assertThat(response.headers().firstValue("retry-after")).contains("3");
        assertThat(response.headers().firstValue("anthropic-ratelimit-requests-remaining")).contains("0");
        assertThat(Instant.parse(response.headers().firstValue("anthropic-ratelimit-requests-reset").orElseThrow())).isAfter(Instant.now().minusSeconds(5));
    }

    @Test
    void context_length_says_prompt_is_too_long() throws Exception {
        HttpResponse<String> response = post(simulator, body("[sim:context_length]"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(response).at("/error/message").asText()).isEqualTo("prompt is too long: 200001 tokens > 200000 maximum");
    }

    @Test
    void streaming_sends_anthropics_event_sequence() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(body("Stream please"));
        body.put("stream", true);
        JsonNode whole = SimClient.json(post(simulator, body("Stream please")));

        HttpResponse<String> response = post(simulator, body.toString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<SimClient.Event> events = SimClient.events(response.body());
        List<String> names = events.stream().map(SimClient.Event::name).toList();
        assertThat(names.get(0)).isEqualTo("message_start");
        assertThat(names.get(1)).isEqualTo("content_block_start");
        assertThat(names.subList(names.size() - 3, names.size())).containsExactly("content_block_stop", "message_delta", "message_stop");
        StringBuilder text = new StringBuilder();
        for (SimClient.Event e : events) {
            JsonNode data = SimClient.json(e.data());
            assertThat(data.path("type").asText()).isEqualTo(e.name());
            if (e.name().equals("content_block_delta")) {
                assertThat(data.at("/delta/type").asText()).isEqualTo("text_delta");
                text.append(data.at("/delta/text").asText());
            }
        }
        JsonNode start = SimClient.json(events.get(0).data()).path("message");
        assertThat(start.path("usage").path("input_tokens").asInt()).isEqualTo(whole.at("/usage/input_tokens").asInt());
        JsonNode delta = SimClient.json(events.get(events.size() - 2).data());
        assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("end_turn");
        assertThat(delta.at("/usage/output_tokens").asInt()).isEqualTo(whole.at("/usage/output_tokens").asInt());
        assertThat(text.toString()).isEqualTo(whole.at("/content/0/text").asText());
    }

    @Test
    void streamed_tool_use_sends_input_json_deltas() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(body("[sim:tool]"));
        body.put("stream", true);
        body.putArray("tools").addObject().put("name", "lookup").set("input_schema", JSON.readTree("{\"type\":\"object\"}"));

        List<SimClient.Event> events = SimClient.events(post(simulator, body.toString()).body());

        JsonNode blockStart = SimClient.json(events.get(1).data());
        assertThat(blockStart.at("/content_block/type").asText()).isEqualTo("tool_use");
        assertThat(events).anySatisfy(e -> assertThat(e.data()).contains("\"input_json_delta\""));
        assertThat(events.get(events.size() - 2).data()).contains("\"stop_reason\":\"tool_use\"");
    }

    @Test
    void requests_per_minute_limit_answers_429_with_real_remaining_counts() throws Exception {
        Simulator limited = SimClient.start(vertx, SimulatorSettings.defaults().withRequestsPerMinute(3).withTokensPerMinute(100_000));
        try {
            List<String> remaining = new ArrayList<>();
            HttpResponse<String> last = null;
            for (int i = 0; i < 4; i++) {
                last = post(limited, body("hi " + i));
                remaining.add(last.statusCode() + "/" + last.headers().firstValue("anthropic-ratelimit-requests-remaining").orElse("?"));
            }
            assertThat(remaining).containsExactly("200/2", "200/1", "200/0", "429/0");
            assertThat(SimClient.json(last).at("/error/type").asText()).isEqualTo("rate_limit_error");
            assertThat(last.headers().firstValue("anthropic-ratelimit-requests-limit")).contains("3");
            assertThat(Long.parseLong(last.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 60L);
            long tokensLeft = Long.parseLong(last.headers().firstValue("anthropic-ratelimit-tokens-remaining").orElseThrow());
            assertThat(tokensLeft).isLessThan(100_000).isPositive();
            // another key has its own budget
            assertThat(SimClient.post(limited, "/v1/messages", body("hi"), "x-api-key", "other", "anthropic-version", "2023-06-01")
                    .statusCode()).isEqualTo(200);
        } finally {
            limited.close();
        }
    }

    @Test
    void injected_faults_use_anthropics_statuses() throws Exception {
        Simulator faulty = SimClient.start(vertx, SimulatorSettings.defaults().withErrorRate(1.0).withTimeoutHoldMs(20));
        try {
            Map<String, Integer> kinds = new TreeMap<>();
            for (int i = 0; i < 40; i++) {
                String kind;
                try {
                    HttpResponse<String> r = post(faulty, body("job " + i));
                    kind = r.statusCode() == 200 ? "200" : r.statusCode() + ":" + SimClient.json(r).at("/error/type").asText();
                } catch (java.io.IOException e) {
                    kind = "hung-up";
                }
                kinds.merge(kind, 1, Integer::sum);
            }
            assertThat(kinds.keySet()).isSubsetOf("429:rate_limit_error", "500:api_error", "529:overloaded_error", "hung-up", "200");
            assertThat(kinds.keySet()).contains("429:rate_limit_error", "500:api_error", "529:overloaded_error");
        } finally {
            faulty.close();
        }
    }
}
