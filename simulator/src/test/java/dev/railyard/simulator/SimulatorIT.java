package dev.railyard.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The simulator over real HTTP, as a provider client sees it. */
class SimulatorIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EncodingRegistry ENCODINGS = Encodings.newDefaultEncodingRegistry();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static Vertx vertx;
    private static Simulator simulator;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = started(SimulatorSettings.defaults().withRetryAfterMs(1500).withTimeoutHoldMs(300));
    }

    @AfterAll
    static void stop() throws Exception {
        simulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Simulator started(SimulatorSettings settings) throws Exception {
        Simulator s = new Simulator(vertx, settings);
        int port = s.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(s.baseUrl()).isEqualTo("http://127.0.0.1:" + port + "/v1");
        return s;
    }

    // ---- helpers ----

    private static String chatBody(String model, String content) {
        ObjectNode body = JSON.createObjectNode().put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", content);
        return body.toString();
    }

    private static HttpResponse<String> post(Simulator s, String path, String body) throws Exception {
        return HTTP.send(request(s, path).header("Authorization", "Bearer sk-test")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(Simulator s, String path) {
        return HttpRequest.newBuilder(URI.create(s.baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json");
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private static int o200k(String text) {
        return ENCODINGS.getEncoding(EncodingType.O200K_BASE).countTokensOrdinary(text);
    }

    // ---- chat completions ----

    @Test
    void chat_completion_has_openais_shape() throws Exception {
        HttpResponse<String> response = post(simulator, "/chat/completions", chatBody("gpt-4o-mini", "Say hi"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).matches("req_[0-9a-f]{32}"));
        assertThat(response.headers().firstValue("content-type")).contains("application/json");
        JsonNode body = json(response);
        assertThat(body.path("id").asText()).startsWith("chatcmpl-");
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("created").asLong()).isPositive();
        assertThat(body.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(body.path("system_fingerprint").asText()).matches("fp_[0-9a-f]{10}");
        JsonNode choice = body.path("choices").get(0);
        assertThat(choice.path("index").asInt()).isZero();
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").asText()).isNotBlank();
        assertThat(choice.path("message").has("refusal")).isTrue();
        assertThat(choice.path("message").get("refusal").isNull()).isTrue();
        assertThat(choice.get("logprobs").isNull()).isTrue();
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = body.path("usage");
        assertThat(usage.path("total_tokens").asInt())
                .isEqualTo(usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt());
        assertThat(usage.path("prompt_tokens_details").path("cached_tokens").isInt()).isTrue();
    }

    @Test
    void same_messages_give_the_same_answer_and_different_messages_a_different_one() throws Exception {
        String a1 = json(post(simulator, "/chat/completions", chatBody("gpt-4o", "What is Kafka?"))).at("/choices/0/message/content").asText();
        String a2 = json(post(simulator, "/chat/completions", chatBody("gpt-4o", "What is Kafka?"))).at("/choices/0/message/content").asText();
        String b = json(post(simulator, "/chat/completions", chatBody("gpt-4o", "What is Pulsar?"))).at("/choices/0/message/content").asText();

        assertThat(a1).isEqualTo(a2).isNotEqualTo(b);
        int words = a1.split(" ").length;
        assertThat(words).isBetween(8, 60);
    }

    @Test
    void usage_counts_prompt_tokens_like_openai_and_completion_tokens_of_the_answer() throws Exception {
        JsonNode body = json(post(simulator, "/chat/completions", chatBody("gpt-4o-mini", "Hello")));

        // OpenAI bills [{"role":"user","content":"Hello"}] on gpt-4o-mini as 8 prompt tokens: 3 + 1 + 1 + 3.
        assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(8);
        assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(o200k(body.at("/choices/0/message/content").asText()));
    }

    @Test
    void prompt_tokens_count_every_message_name_and_framing() throws Exception {
        ObjectNode req = JSON.createObjectNode().put("model", "gpt-4.1-mini");
        ArrayNode messages = req.putArray("messages");
        messages.addObject().put("role", "system").put("content", "You are terse.");
        messages.addObject().put("role", "user").put("name", "alice").put("content", "Summarise the railyard design in one line.");
        int expected = 3 + (3 + o200k("system") + o200k("You are terse."))
                + (3 + o200k("user") + o200k("Summarise the railyard design in one line.") + 1 + o200k("alice"));

        JsonNode body = json(post(simulator, "/chat/completions", req.toString()));

        assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"max_tokens, 5", "max_completion_tokens, 3", "max_tokens, 1"})
    void max_tokens_truncates_the_answer_with_finish_reason_length(String field, int limit) throws Exception {
        ObjectNode req = (ObjectNode) JSON.readTree(chatBody("gpt-4o-mini", "Tell me a long story"));
        req.put(field, limit);

        JsonNode body = json(post(simulator, "/chat/completions", req.toString()));

        assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(limit);
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(o200k(body.at("/choices/0/message/content").asText())).isLessThanOrEqualTo(limit);
    }

    @Test
    void a_generous_max_tokens_leaves_the_answer_whole() throws Exception {
        ObjectNode req = (ObjectNode) JSON.readTree(chatBody("gpt-4o-mini", "Tell me a long story"));
        String whole = json(post(simulator, "/chat/completions", req.toString())).at("/choices/0/message/content").asText();
        req.put("max_tokens", 4096);

        JsonNode body = json(post(simulator, "/chat/completions", req.toString()));

        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo(whole);
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    // ---- authentication and validation ----

    @ParameterizedTest
    @CsvSource(value = {"<none>", "Bearer ", "Basic dXNlcjpwdw=="}, nullValues = "<none>")
    void requests_without_a_bearer_key_get_openais_401(String authorization) throws Exception {
        HttpRequest.Builder req = request(simulator, "/chat/completions")
                .POST(HttpRequest.BodyPublishers.ofString(chatBody("gpt-4o-mini", "hi")));
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        HttpResponse<String> response = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("x-request-id")).isPresent();
        JsonNode error = json(response).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_api_key");
        assertThat(error.has("param")).isTrue();
        assertThat(error.path("message").asText()).isNotBlank();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|model",
        "{\"model\":\"gpt-4o-mini\"}|messages",
        "{\"model\":\"gpt-4o-mini\",\"messages\":\"hi\"}|messages",
        "{\"model\":\"gpt-4o-mini\",\"messages\":[]}|messages",
        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"content\":\"hi\"}]}|messages[0].role",
        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":0}|max_tokens"})
    void invalid_chat_requests_get_400_naming_the_field(String body, String param) throws Exception {
        HttpResponse<String> response = post(simulator, "/chat/completions", body);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json(response).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo(param);
    }

    @Test
    void a_body_that_is_not_json_gets_400() throws Exception {
        HttpResponse<String> response = post(simulator, "/chat/completions", "{not json");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).at("/error/message").asText()).contains("could not parse the JSON body");
    }

    @Test
    void an_empty_body_gets_400() throws Exception {
        HttpResponse<String> response = HTTP.send(request(simulator, "/embeddings").header("Authorization", "Bearer k")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).at("/error/type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void unknown_urls_get_openais_404() throws Exception {
        HttpResponse<String> response = post(simulator, "/completions/legacy", "{}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("x-request-id")).isPresent();
        assertThat(json(response).at("/error/message").asText()).isEqualTo("Invalid URL (POST /v1/completions/legacy)");
    }

    // ---- directives ----

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
        "400, invalid_request_error, null",
        "401, invalid_request_error, invalid_api_key",
        "403, request_forbidden, unsupported_country_region_territory",
        "404, invalid_request_error, model_not_found",
        "429, requests, rate_limit_exceeded",
        "500, server_error, null",
        "502, server_error, null",
        "503, server_error, null",
        "504, server_error, null"})
    void status_directive_answers_that_status_with_openais_error_body(int status, String type, String code) throws Exception {
        HttpResponse<String> response = post(simulator, "/chat/completions", chatBody("gpt-4o-mini", "[sim:status=" + status + "] hi"));

        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode error = json(response).path("error");
        assertThat(error.path("type").asText()).isEqualTo(type);
        assertThat(error.get("code").isNull() ? null : error.get("code").asText()).isEqualTo(code);
        assertThat(error.has("param")).isTrue();
        if (status == 503) {
            assertThat(error.path("message").asText()).isEqualTo("The engine is currently overloaded, please try again later");
        }
    }

    @Test
    void rate_limited_answers_carry_retry_after_and_rate_limit_headers() throws Exception {
        HttpResponse<String> response = post(simulator, "/chat/completions", chatBody("gpt-4o-mini", "[sim:status=429]"));

        HttpResponse<String> r = response;
        assertThat(r.headers().firstValue("retry-after")).contains("2");
        assertThat(r.headers().firstValue("retry-after-ms")).contains("1500");
        assertThat(r.headers().firstValue("x-ratelimit-reset-requests")).contains("1.5s");
        for (String h : List.of("x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-limit-tokens",
                "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens")) {
            assertThat(r.headers().firstValue(h)).as(h).isPresent();
        }
    }

    @Test
    void fail_first_fails_that_exact_body_n_times_then_succeeds() throws Exception {
        String body = chatBody("gpt-4o-mini", "[sim:fail_first=2] unique " + System.nanoTime());

        assertThat(post(simulator, "/chat/completions", body).statusCode()).isEqualTo(500);
        assertThat(post(simulator, "/chat/completions", chatBody("gpt-4o-mini", "[sim:fail_first=2] another " + java.util.UUID.randomUUID()))
                .statusCode()).isEqualTo(500);
        assertThat(post(simulator, "/chat/completions", body).statusCode()).isEqualTo(500);
        assertThat(post(simulator, "/chat/completions", body).statusCode()).isEqualTo(200);
        assertThat(post(simulator, "/chat/completions", body).statusCode()).isEqualTo(200);
    }

    @Test
    void context_length_directive_answers_openais_context_length_error() throws Exception {
        HttpResponse<String> response = post(simulator, "/chat/completions", chatBody("gpt-4o", "[sim:context_length]"));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json(response).path("error");
        assertThat(error.path("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(error.path("param").asText()).isEqualTo("messages");
        assertThat(error.path("message").asText()).startsWith("This model's maximum context length is 128000 tokens.");
    }

    @Test
    void insufficient_quota_directive_answers_429_insufficient_quota() throws Exception {
        HttpResponse<String> response = post(simulator, "/chat/completions", chatBody("gpt-4o", "[sim:insufficient_quota]"));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(json(response).at("/error/code").asText()).isEqualTo("insufficient_quota");
        assertThat(json(response).at("/error/type").asText()).isEqualTo("insufficient_quota");
    }

    @Test
    void malformed_directive_answers_200_with_cut_off_json() throws Exception {
        HttpResponse<String> response = post(simulator, "/chat/completions", chatBody("gpt-4o", "[sim:malformed]"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(classify(response)).isEqualTo("malformed-200");
    }

    @Test
    void timeout_directive_hangs_up_without_answering() {
        HttpRequest req = request(simulator, "/chat/completions").header("Authorization", "Bearer k")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(chatBody("gpt-4o", "[sim:timeout]"))).build();

        assertThatThrownBy(() -> HTTP.send(req, HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }

    @Test
    void latency_directive_delays_the_answer_by_that_much() throws Exception {
        Simulator own = started(SimulatorSettings.defaults());
        try {
            assertThat(post(own, "/chat/completions", chatBody("gpt-4o-mini", "[sim:latency=120] hi")).statusCode()).isEqualTo(200);
            assertThat(post(own, "/chat/completions", chatBody("gpt-4o-mini", "no delay")).statusCode()).isEqualTo(200);
            assertThat(own.stats().totalLatencyMs()).isEqualTo(120);
        } finally {
            own.close();
        }
    }

    @Test
    void directives_in_content_parts_and_embedding_inputs_count_too() throws Exception {
        ObjectNode req = JSON.createObjectNode().put("model", "gpt-4o-mini");
        req.putArray("messages").addObject().put("role", "user").putArray("content")
                .addObject().put("type", "text").put("text", "[sim:status=503]");
        assertThat(post(simulator, "/chat/completions", req.toString()).statusCode()).isEqualTo(503);

        String embedding = JSON.createObjectNode().put("model", "text-embedding-3-small").put("input", "[sim:status=500] x").toString();
        assertThat(post(simulator, "/embeddings", embedding).statusCode()).isEqualTo(500);
    }

    // ---- embeddings and models ----

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {"text-embedding-3-small, null, 1536", "text-embedding-3-large, null, 3072",
        "text-embedding-ada-002, null, 1536", "text-embedding-3-large, 256, 256"})
    void embeddings_have_openais_shape_and_unit_vectors(String model, Integer dimensions, int expected) throws Exception {
        ObjectNode req = JSON.createObjectNode().put("model", model);
        req.putArray("input").add("first text").add("second text");
        if (dimensions != null) {
            req.put("dimensions", dimensions);
        }

        HttpResponse<String> response = post(simulator, "/embeddings", req.toString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("model").asText()).isEqualTo(model);
        assertThat(body.path("data")).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode item = body.path("data").get(i);
            assertThat(item.path("object").asText()).isEqualTo("embedding");
            assertThat(item.path("index").asInt()).isEqualTo(i);
            assertThat(item.path("embedding")).hasSize(expected);
            double norm = 0;
            for (JsonNode v : item.path("embedding")) {
                norm += v.asDouble() * v.asDouble();
            }
            assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        }
        int tokens = ENCODINGS.getEncoding(EncodingType.CL100K_BASE).countTokens("first text")
                + ENCODINGS.getEncoding(EncodingType.CL100K_BASE).countTokens("second text");
        assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(tokens);
        assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(tokens);
    }

    @Test
    void the_same_input_embeds_to_the_same_vector_in_float_and_base64() throws Exception {
        String floats = JSON.createObjectNode().put("model", "text-embedding-3-small").put("input", "same").put("dimensions", 8).toString();
        String base64 = JSON.createObjectNode().put("model", "text-embedding-3-small").put("input", "same").put("dimensions", 8)
                .put("encoding_format", "base64").toString();

        JsonNode a = json(post(simulator, "/embeddings", floats)).at("/data/0/embedding");
        JsonNode b = json(post(simulator, "/embeddings", floats)).at("/data/0/embedding");
        ByteBuffer decoded = ByteBuffer.wrap(Base64.getDecoder().decode(json(post(simulator, "/embeddings", base64))
                .at("/data/0/embedding").asText())).order(ByteOrder.LITTLE_ENDIAN);

        assertThat(a).isEqualTo(b);
        for (int i = 0; i < 8; i++) {
            assertThat(decoded.getFloat()).isEqualTo(a.get(i).floatValue());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"input\":\"x\"}|model",
        "{\"model\":\"text-embedding-3-small\"}|input",
        "{\"model\":\"text-embedding-3-small\",\"input\":\"\"}|input",
        "{\"model\":\"text-embedding-ada-002\",\"input\":\"x\",\"dimensions\":8}|dimensions"})
    void invalid_embedding_requests_get_400_naming_the_field(String body, String param) throws Exception {
        HttpResponse<String> response = post(simulator, "/embeddings", body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).at("/error/param").asText()).isEqualTo(param);
    }

    @Test
    void models_lists_the_simulated_models() throws Exception {
        HttpResponse<String> response = HTTP.send(request(simulator, "/models").header("Authorization", "Bearer k").GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("object").asText()).isEqualTo("list");
        List<String> ids = new ArrayList<>();
        body.path("data").forEach(m -> {
            assertThat(m.path("object").asText()).isEqualTo("model");
            ids.add(m.path("id").asText());
        });
        assertThat(ids).contains("gpt-4o-mini", "text-embedding-3-small");
    }

    // ---- injected errors and stats ----

    @Test
    void error_rate_one_gives_only_injected_errors_in_every_kind() throws Exception {
        Simulator faulty = started(SimulatorSettings.defaults().withErrorRate(1.0).withTimeoutHoldMs(50).withRetryAfterMs(20));
        try {
            List<CompletableFuture<String>> outcomes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                HttpRequest req = request(faulty, "/chat/completions").header("Authorization", "Bearer k")
                        .POST(HttpRequest.BodyPublishers.ofString(chatBody("gpt-4o-mini", "job " + i))).build();
                outcomes.add(HTTP.sendAsync(req, HttpResponse.BodyHandlers.ofString())
                        .thenApply(SimulatorIT::classify)
                        .exceptionally(e -> "hung-up"));
            }
            Map<String, Integer> kinds = new HashMap<>();
            for (CompletableFuture<String> o : outcomes) {
                kinds.merge(o.get(30, TimeUnit.SECONDS), 1, Integer::sum);
            }

            assertThat(kinds).containsOnlyKeys("429", "500", "503", "hung-up", "malformed-200");
            SimulatorStats stats = faulty.stats();
            assertThat(stats.totalRequests()).isEqualTo(200);
            assertThat(stats.count(SimulatorStats.NO_ANSWER)).isEqualTo(kinds.get("hung-up").longValue());
            assertThat(stats.count(200)).isEqualTo(kinds.get("malformed-200").longValue());
        } finally {
            faulty.close();
        }
    }

    private static String classify(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            return Integer.toString(response.statusCode());
        }
        try {
            JSON.readTree(response.body());
            return "valid-200";
        } catch (IOException e) {
            return "malformed-200";
        }
    }

    @Test
    void stats_count_requests_by_status_and_simulated_latency() throws Exception {
        Simulator counted = started(SimulatorSettings.defaults().withLatencyMs(3));
        try {
            for (int i = 0; i < 5; i++) {
                post(counted, "/chat/completions", chatBody("gpt-4o-mini", "ok " + i));
            }
            post(counted, "/chat/completions", chatBody("gpt-4o-mini", "[sim:status=503]"));
            post(counted, "/chat/completions", "{}");

            SimulatorStats stats = counted.stats();
            assertThat(stats.totalRequests()).isEqualTo(7);
            assertThat(stats.byStatus()).containsExactlyInAnyOrderEntriesOf(Map.of(200, 5L, 503, 1L, 400, 1L));
            // Validation errors answer at once; the six accepted requests waited 3 ms each.
            assertThat(stats.totalLatencyMs()).isEqualTo(18);
        } finally {
            counted.close();
        }
    }
}
