package dev.railyard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.config.Deployment;
import dev.railyard.config.ProviderConfig;
import dev.railyard.provider.stream.StreamServer;
import dev.railyard.provider.stream.StreamServer.Ending;
import dev.railyard.provider.stream.StreamServer.Reply;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.RailyardEvent;
import dev.railyard.schema.event.Usage;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each family's adapter with option {@code stream: true} against a local server streaming that
 * family's real event format, cut into 7-byte slices (inside lines, JSON and characters): the chunks
 * assemble into the chat.completion an unstreamed call returns, with the time to the first token; an
 * error mid-stream is classified by the family's classifier and the connection is closed.
 */
class StreamingAdaptersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String OPENAI_OK = String.join("\n\n",
            "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini-2024-07-18\","
                    + "\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                    + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
            "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini-2024-07-18\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}],\"usage\":null}",
            "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo \u00e9\"},\"finish_reason\":null}],\"usage\":null}",
            "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}],\"usage\":null}",
            "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]},"
                    + "\"finish_reason\":null}],\"usage\":null}",
            "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]},"
                    + "\"finish_reason\":null}],\"usage\":null}",
            "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}],\"usage\":null}",
            "data: {\"id\":\"chatcmpl-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,\"total_tokens\":19,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":0}}}",
            "data: [DONE]", "");
    private static final String OPENAI_ERROR = "data: {\"id\":\"chatcmpl-2\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n"
            + "data: {\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\","
            + "\"param\":null,\"code\":null}}\n\n";

    private static final String ANTHROPIC_OK = String.join("\n\n",
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
                    + "\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":20,"
                    + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":5,\"output_tokens\":1}}}",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
            "event: ping\ndata: {\"type\": \"ping\"}",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"lo \u00e9\"}}",
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\","
                    + "\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{}}}",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
                    + "\"partial_json\":\"{\\\"city\\\": \"}}",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
                    + "\"partial_json\":\"\\\"Paris\\\"}\"}}",
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},"
                    + "\"usage\":{\"output_tokens\":15}}",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}", "");
    private static final String ANTHROPIC_ERROR = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_2\","
            + "\"model\":\"claude-sonnet-4-5\",\"content\":[],\"usage\":{\"input_tokens\":20,\"output_tokens\":1}}}\n\n"
            + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";

    private static final String GEMINI_OK = String.join("\r\n\r\n",
            "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}],\"role\":\"model\"},\"index\":0}],"
                    + "\"usageMetadata\":{\"promptTokenCount\":9,\"totalTokenCount\":9},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"resp-1\"}",
            "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"lo \u00e9\"}],\"role\":\"model\"},\"index\":0}],"
                    + "\"usageMetadata\":{\"promptTokenCount\":9,\"totalTokenCount\":9},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"resp-1\"}",
            "data: {\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"Paris\"}}}],"
                    + "\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":9,"
                    + "\"candidatesTokenCount\":7,\"totalTokenCount\":16},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"resp-1\"}", "");
    private static final String GEMINI_ERROR = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}],\"role\":\"model\"},\"index\":0}]}\r\n\r\n"
            + "data: {\"error\":{\"code\":503,\"message\":\"The model is overloaded. Please try again later.\",\"status\":\"UNAVAILABLE\"}}\r\n\r\n";

    private static Vertx vertx;
    private static StreamServer server;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = StreamServer.start(vertx)
                .on("openai-ok", Reply.sse(OPENAI_OK, 7, Ending.END))
                .on("openai-error", Reply.sse(OPENAI_ERROR, 7, Ending.STALL))
                .on("anthropic-ok", Reply.sse(ANTHROPIC_OK, 7, Ending.END))
                .on("anthropic-error", Reply.sse(ANTHROPIC_ERROR, 7, Ending.STALL))
                .on("gemini-ok", Reply.sse(GEMINI_OK, 7, Ending.END))
                .on("gemini-error", Reply.sse(GEMINI_ERROR, 7, Ending.STALL));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static ProviderAdapter adapter(String type, String script) {
        ProviderConfig config = new ProviderConfig(type, type, server.url(script), "key-" + type, false, false,
                Duration.ofSeconds(10), 4, Map.of("stream", "true"));
        return new ProviderAdapters(vertx, JSON, Clock.systemUTC()).create(config);
    }

    private static JobSubmitted job() throws Exception {
        JsonNode body = JSON.readTree("""
                {"model":"m","max_tokens":100,"messages":[
                  {"role":"system","content":"You are terse."},
                  {"role":"user","content":"Weather in Paris?"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
                   "properties":{"city":{"type":"string"}},"required":["city"]}}}]}""");
        return new JobSubmitted(RailyardEvent.CURRENT_SCHEMA_VERSION, UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                Instant.now(), "t", null, null, 0, "/v1/chat/completions", "m", body, "standard", null, Map.of(), null);
    }

    static Stream<Arguments> families() {
        return Stream.of(
                Arguments.of("openai-compatible", "openai", "gpt-4o-mini", "/openai-ok/chat/completions", new Usage(12, 7, 0)),
                Arguments.of("anthropic", "anthropic", "claude-sonnet-4-5", "/anthropic-ok/v1/messages", new Usage(25, 15, 5)),
                Arguments.of("gemini", "gemini", "gemini-2.5-flash",
                        "/gemini-ok/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", new Usage(9, 7, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void a_streamed_answer_assembles_into_the_chat_completion_with_its_time_to_first_token(
            String type, String prefix, String model, String uri, Usage usage) throws Exception {
        ProviderAdapter adapter = adapter(type, prefix + "-ok");
        try {
            ProviderResponse response = adapter.call(new Deployment("d", type, "m", model), job())
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

            JsonNode choice = response.body().path("choices").path(0);
            assertThat(choice.path("message").path("content").asText()).isEqualTo("Hello \u00e9");
            JsonNode call = choice.path("message").path("tool_calls").path(0);
            assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
            assertThat(JSON.readTree(call.path("function").path("arguments").asText())).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
            assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
            assertThat(response.body().path("object").asText()).isEqualTo("chat.completion");
            assertThat(response.usage()).isEqualTo(usage);
            assertThat(response.body().path("usage").path("total_tokens").asLong()).isEqualTo(usage.totalTokens());
            assertThat(response.timeToFirstTokenMs()).isNotNull().isBetween(0L, response.latencyMs());
            assertThat(server.lastUri()).isEqualTo(uri);
            assertThat(server.lastHeader("accept")).isEqualTo("text/event-stream");
            if (!"gemini".equals(type)) { // Gemini streams by URL; OpenAI and Anthropic by a body flag
                assertThat(server.lastBody().path("stream").asBoolean()).isTrue();
            }
            if ("openai-compatible".equals(type)) {
                assertThat(server.lastBody().path("stream_options").path("include_usage").asBoolean()).isTrue();
            }
        } finally {
            adapter.close();
        }
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("openai-compatible", "openai", ErrorType.SERVER_ERROR, "The server had an error"),
                Arguments.of("anthropic", "anthropic", ErrorType.OVERLOADED, "Overloaded"),
                Arguments.of("gemini", "gemini", ErrorType.OVERLOADED, "The model is overloaded"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void an_error_mid_stream_is_classified_by_the_family_and_the_stream_is_closed(
            String type, String prefix, ErrorType expected, String message) throws Exception {
        int before = server.openConnections();
        ProviderAdapter adapter = adapter(type, prefix + "-error");
        try {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> adapter.call(new Deployment("d", type, "m", "gemini-2.5-flash"), job())
                            .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));

            ProviderException failure = (ProviderException) e.getCause();
            assertThat(failure.error().type()).isEqualTo(expected);
            assertThat(failure.error().message()).startsWith("error in the stream: ").contains(message);
            assertThat(failure.error().httpStatus()).isEqualTo(200);
            assertThat(failure.error().providerBody()).contains(message);
            assertThat(failure.retryable()).isTrue();
            // the server never ends these streams: only the client closing them frees the connection
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.openConnections() > before && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(server.openConnections()).isLessThanOrEqualTo(before);
        } finally {
            adapter.close();
        }
    }
}
