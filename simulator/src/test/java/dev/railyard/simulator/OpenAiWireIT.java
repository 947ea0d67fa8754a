package dev.railyard.simulator;

import static dev.railyard.simulator.SimClient.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OpenAI streaming, structured output, tool calls, Azure OpenAI's paths and per-key rate limits. */
class OpenAiWireIT {
    private static Vertx vertx;
    private static Simulator simulator;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = SimClient.start(vertx, SimulatorSettings.defaults());
    }

    @AfterAll
    static void stop() throws Exception {
        simulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static ObjectNode chat(String text) {
        ObjectNode body = JSON.createObjectNode().put("model", "gpt-4o-mini");
        body.putArray("messages").addObject().put("role", "user").put("content", text);
        return body;
    }

    static HttpResponse<String> post(Simulator s, String body) throws Exception {
        return SimClient.post(s, "/v1/chat/completions", body, "Authorization", "Bearer sk-test");
    }

    @Test
    void streaming_sends_chunks_then_usage_then_done() throws Exception {
        JsonNode whole = SimClient.json(post(simulator, chat("Stream me").toString()));
        ObjectNode body = chat("Stream me").put("stream", true);
        body.putObject("stream_options").put("include_usage", true);

        HttpResponse<String> response = post(simulator, body.toString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<SimClient.Event> events = SimClient.events(response.body());
        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
        List<JsonNode> chunks = new ArrayList<>();
        for (SimClient.Event e : events.subList(0, events.size() - 1)) {
            chunks.add(SimClient.json(e.data()));
        }
        assertThat(chunks).allSatisfy(c -> assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk"));
        assertThat(chunks.stream().map(c -> c.path("id").asText()).distinct()).hasSize(1);
        assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.at("/choices/0/delta/content").asText("")));
        assertThat(text.toString()).isEqualTo(whole.at("/choices/0/message/content").asText());
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.at("/usage/prompt_tokens").asInt()).isEqualTo(whole.at("/usage/prompt_tokens").asInt());
        assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(whole.at("/usage/completion_tokens").asInt());
        assertThat(chunks.get(0).get("usage").isNull()).isTrue();
    }

    @Test
    void streaming_without_include_usage_sends_no_usage_chunk() throws Exception {
        List<SimClient.Event> events = SimClient.events(post(simulator, chat("Stream").put("stream", true).toString()).body());

        for (SimClient.Event e : events.subList(0, events.size() - 1)) {
            JsonNode chunk = SimClient.json(e.data());
            assertThat(chunk.has("usage")).isFalse();
            assertThat(chunk.path("choices")).hasSize(1);
        }
    }

    @Test
    void a_streamed_malformed_answer_breaks_off_without_done() throws Exception {
        String body;
        try {
            body = post(simulator, chat("[sim:malformed]").put("stream", true).toString()).body();
        } catch (java.io.IOException e) {
            return; // the connection broke before the client saw a complete body: also a broken stream
        }
        assertThat(body).doesNotContain("[DONE]");
    }

    @Test
    void json_schema_response_format_answers_json_valid_against_the_schema() throws Exception {
        ObjectNode body = chat("Give a city");
        body.putObject("response_format").put("type", "json_schema").putObject("json_schema").put("name", "city")
                .put("strict", true).set("schema", JSON.readTree("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
                        + "\"population\":{\"type\":\"integer\"}},\"required\":[\"name\",\"population\"],\"additionalProperties\":false}"));

        JsonNode r = SimClient.json(post(simulator, body.toString()));

        JsonNode content = JSON.readTree(r.at("/choices/0/message/content").asText());
        assertThat(content.path("name").isTextual()).isTrue();
        assertThat(content.path("population").isInt()).isTrue();
    }

    @Test
    void sim_tool_calls_the_first_function_and_a_tool_result_ends_the_loop() throws Exception {
        ObjectNode body = chat("Weather? [sim:tool]");
        body.putArray("tools").addObject().put("type", "function").putObject("function").put("name", "get_weather")
                .set("parameters", JSON.readTree("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}"));

        JsonNode r = SimClient.json(post(simulator, body.toString()));

        assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode call = r.at("/choices/0/message/tool_calls/0");
        assertThat(call.path("id").asText()).startsWith("call_");
        assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.at("/function/arguments").asText()).path("city").isTextual()).isTrue();

        body.withArray("messages").addObject().put("role", "assistant").putNull("content").putArray("tool_calls").add(call);
        body.withArray("messages").addObject().put("role", "tool").put("tool_call_id", call.path("id").asText()).put("content", "sunny");
        JsonNode after = SimClient.json(post(simulator, body.toString()));
        assertThat(after.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void azure_deployments_answer_like_openai_with_an_api_key_header() throws Exception {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        HttpResponse<String> response = SimClient.post(simulator,
                "/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21", body, "api-key", "azure-key");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode r = SimClient.json(response);
        assertThat(r.path("object").asText()).isEqualTo("chat.completion");
        assertThat(r.path("model").asText()).isEqualTo("gpt-4o-mini");

        HttpResponse<String> embeddings = SimClient.post(simulator,
                "/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21", "{\"input\":\"hi\"}",
                "api-key", "azure-key");
        assertThat(SimClient.json(embeddings).at("/data/0/embedding").size()).isEqualTo(1536);
    }

    @Test
    void azure_without_api_version_is_404_and_without_a_key_is_401() throws Exception {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        HttpResponse<String> noVersion = SimClient.post(simulator, "/openai/deployments/d/chat/completions", body, "api-key", "k");
        assertThat(noVersion.statusCode()).isEqualTo(404);
        assertThat(SimClient.json(noVersion).at("/error/code").asText()).isEqualTo("404");
        assertThat(SimClient.json(noVersion).at("/error/message").asText()).isEqualTo("Resource not found");

        HttpResponse<String> noKey = SimClient.post(simulator, "/openai/deployments/d/chat/completions?api-version=2024-10-21", body);
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(SimClient.json(noKey).at("/error/code").asText()).isEqualTo("401");
    }

    @Test
    void requests_per_minute_limit_answers_429_with_real_remaining_counts() throws Exception {
        Simulator limited = SimClient.start(vertx, SimulatorSettings.defaults().withRequestsPerMinute(3));
        try {
            List<String> seen = new ArrayList<>();
            HttpResponse<String> last = null;
            for (int i = 0; i < 4; i++) {
                last = post(limited, chat("hi " + i).toString());
                seen.add(last.statusCode() + "/" + last.headers().firstValue("x-ratelimit-remaining-requests").orElse("?"));
            }
            assertThat(seen).containsExactly("200/2", "200/1", "200/0", "429/0");
            JsonNode error = SimClient.json(last).path("error");
            assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(error.path("type").asText()).isEqualTo("requests");
            assertThat(error.path("message").asText()).contains("Limit 3, Used 3, Requested 1");
            assertThat(last.headers().firstValue("x-ratelimit-limit-requests")).contains("3");
            assertThat(last.headers().firstValue("x-ratelimit-reset-requests")).hasValueSatisfying(r -> assertThat(r).matches("[0-9.]+m?s|\\d+m[0-9.]+s"));
            assertThat(Long.parseLong(last.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 60L);
        } finally {
            limited.close();
        }
    }

    @Test
    void tokens_per_minute_limit_counts_prompt_tokens() throws Exception {
        Simulator limited = SimClient.start(vertx, SimulatorSettings.defaults().withTokensPerMinute(20));
        try {
            HttpResponse<String> first = post(limited, chat("hello").toString());
            int prompt = SimClient.json(first).at("/usage/prompt_tokens").asInt();
            assertThat(first.headers().firstValue("x-ratelimit-remaining-tokens")).contains(Integer.toString(20 - prompt));

            HttpResponse<String> refused = post(limited, chat("a much longer prompt that will not fit in what is left of the budget").toString());
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(SimClient.json(refused).at("/error/type").asText()).isEqualTo("tokens");
        } finally {
            limited.close();
        }
    }
}
