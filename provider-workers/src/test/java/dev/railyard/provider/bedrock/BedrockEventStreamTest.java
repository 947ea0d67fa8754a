package dev.railyard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.config.Deployment;
import dev.railyard.config.ProviderConfig;
import dev.railyard.provider.ProviderException;
import dev.railyard.provider.ProviderResponse;
import dev.railyard.provider.stream.AwsEventFrames;
import dev.railyard.provider.stream.StreamServer;
import dev.railyard.provider.stream.StreamServer.Ending;
import dev.railyard.provider.stream.StreamServer.Reply;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.RailyardEvent;
import dev.railyard.schema.event.Usage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Bedrock adapter with {@code stream: true} against a local server writing scripted AWS event streams in
 * 7-byte slices (cuts inside preludes, headers, payloads and CRCs): the answer assembles; an exception message,
 * a corrupt CRC, a stall, a hang, a cut-off body each fail the call, classified, and the stream is always
 * closed: hundreds of failing streams leave no connection open and the pool whole.
 */
class BedrockEventStreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Deployment NOVA = new Deployment("bedrock-nova", "bedrock", "nova-lite", "amazon.nova-lite-v1:0");
    private static final String EVENT_STREAM = "application/vnd.amazon.eventstream";
    private static final int POOL = 64;

    private static final byte[] START = AwsEventFrames.event("messageStart", "{\"role\":\"assistant\",\"p\":\"abcdef\"}");
    private static final List<byte[]> OK = List.of(
            START,
            AwsEventFrames.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hel\"},\"p\":\"abc\"}"),
            AwsEventFrames.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"lo \u00e9\"}}"),
            AwsEventFrames.event("contentBlockStop", "{\"contentBlockIndex\":0}"),
            AwsEventFrames.event("contentBlockStart", "{\"contentBlockIndex\":1,\"start\":{\"toolUse\":{\"toolUseId\":\"tooluse_1\","
                    + "\"name\":\"get_weather\"}}}"),
            AwsEventFrames.event("contentBlockDelta", "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"{\\\"city\\\":\"}}}"),
            AwsEventFrames.event("contentBlockDelta", "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"\\\"Paris\\\"}\"}}}"),
            AwsEventFrames.event("contentBlockStop", "{\"contentBlockIndex\":1}"),
            AwsEventFrames.event("messageStop", "{\"stopReason\":\"tool_use\"}"),
            AwsEventFrames.event("metadata", "{\"usage\":{\"inputTokens\":20,\"outputTokens\":15,\"totalTokens\":35},"
                    + "\"metrics\":{\"latencyMs\":250}}"));

    private static Vertx vertx;
    private static StreamServer server;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        byte[] corrupt = OK.get(1).clone();
        corrupt[corrupt.length - 10] ^= 0x20; // inside the payload: only the message CRC can tell
        server = StreamServer.start(vertx)
                .on("ok", stream(AwsEventFrames.concat(OK), Ending.END))
                .on("exception", stream(AwsEventFrames.concat(START, OK.get(1), AwsEventFrames.exception("throttlingException",
                        "{\"message\":\"Too many tokens, please wait before trying again.\"}")), Ending.STALL))
                .on("error", stream(AwsEventFrames.concat(START, AwsEventFrames.message(Map.of(":message-type", "error",
                        ":error-code", "InternalFailure", ":error-message", "An internal error occurred."), "")), Ending.STALL))
                .on("corrupt", stream(AwsEventFrames.concat(START, corrupt), Ending.STALL))
                .on("stall", stream(START, Ending.STALL))
                .on("hang", new Reply(200, Map.of(), List.of(), 0, Ending.HANG_BEFORE_HEADERS))
                .on("cut", stream(AwsEventFrames.concat(START, Arrays.copyOf(OK.get(1), 20)), Ending.CLOSE))
                .on("unfinished", stream(AwsEventFrames.concat(OK.subList(0, OK.size() - 1)), Ending.END))
                .on("throttled", new Reply(429, Map.of("content-type", "application/json", "x-amzn-RequestId", "req-429",
                        "x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/"),
                        List.of("{\"message\":\"Too many requests, please wait before trying again.\"}".getBytes()), 0, Ending.END));
    }

    private static Reply stream(byte[] body, Ending ending) {
        return new Reply(200, Map.of("content-type", EVENT_STREAM, "x-amzn-RequestId", "req-1"),
                AwsEventFrames.slices(body, 7), 1, ending);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static BedrockAdapter adapter(String script, long idleMs, long timeoutMs) {
        Map<String, String> options = Map.of("region", "us-east-1", "access_key_id", "AKIDTEST", "secret_access_key", "secret",
                "stream", "true", "stream_idle_timeout_ms", Long.toString(idleMs));
        return new BedrockAdapter(vertx, new ProviderConfig("aws", "bedrock", server.url(script), "", false, false,
                Duration.ofMillis(timeoutMs), POOL, options), JSON, Clock.systemUTC());
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

    private static ProviderResponse await(Future<ProviderResponse> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never true: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void a_sliced_event_stream_assembles_into_the_chat_completion_with_its_time_to_first_token() throws Exception {
        BedrockAdapter adapter = adapter("ok", 5_000, 10_000);
        try {
            ProviderResponse r = await(adapter.call(NOVA, job()));

            JsonNode choice = r.body().path("choices").path(0);
            assertThat(choice.at("/message/content").asText()).isEqualTo("Hello \u00e9");
            JsonNode call = choice.at("/message/tool_calls/0");
            assertThat(call.path("id").asText()).isEqualTo("tooluse_1");
            assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
            assertThat(JSON.readTree(call.at("/function/arguments").asText())).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
            assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
            assertThat(r.usage()).isEqualTo(new Usage(20, 15, 0));
            assertThat(r.body().at("/usage/total_tokens").asLong()).isEqualTo(35);
            assertThat(r.providerRequestId()).isEqualTo("req-1");
            assertThat(r.timeToFirstTokenMs()).isNotNull().isBetween(0L, r.latencyMs());
            assertThat(server.lastUri()).isEqualTo("/ok/model/amazon.nova-lite-v1%3A0/converse-stream");
            assertThat(server.lastHeader("accept")).isEqualTo(EVENT_STREAM);
            assertThat(server.lastHeader("authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/");
            assertThat(server.lastBody().at("/messages/0/content/0/text").asText()).isEqualTo("Weather in Paris?");
            assertThat(server.lastBody().at("/toolConfig/tools/0/toolSpec/name").asText()).isEqualTo("get_weather");
        } finally {
            adapter.close();
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "exception,  RATE_LIMITED,       error in the stream: Too many tokens",
        "error,      SERVER_ERROR,       error in the stream: An internal error occurred.",
        "corrupt,    MALFORMED_RESPONSE, malformed response: unreadable stream: message CRC mismatch",
        "stall,      TIMEOUT,            no data from the provider for 300 ms",
        "hang,       TIMEOUT,            no data from the provider for 300 ms",
        "cut,        SERVER_ERROR,       ''",
        "unfinished, MALFORMED_RESPONSE, the stream ended before the answer was complete",
        "throttled,  RATE_LIMITED,       Too many requests"})
    void a_stream_that_does_not_end_well_fails_classified_and_its_connection_is_closed(String script, ErrorType type, String message)
            throws Exception {
        BedrockAdapter adapter = adapter(script, 300, 5_000);
        try {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> await(adapter.call(NOVA, job())));

            ProviderException failure = (ProviderException) e.getCause();
            assertThat(failure.error().type()).isEqualTo(type);
            assertThat(failure.error().message()).contains(message);
            assertThat(failure.retryable()).isTrue();
            if (Set.of("unfinished", "throttled").contains(script)) {
                // a body read to its end leaves a reusable connection: the pool keeps it
                assertThat(server.openConnections()).isLessThanOrEqualTo(1);
            } else {
                eventually("the server sees the connection closed", () -> server.openConnections() == 0);
            }
        } finally {
            adapter.close();
        }
        eventually("closing the adapter closes its pool", () -> server.openConnections() == 0);
    }

    @Test
    void five_hundred_failing_or_stalling_streams_leak_no_connection() throws Exception {
        String[] scripts = {"exception", "corrupt", "stall", "hang", "cut"};
        Map<String, BedrockAdapter> adapters = new ConcurrentHashMap<>();
        for (String script : scripts) {
            adapters.put(script, adapter(script, 400, 800));
        }
        try {
            Map<String, Integer> failures = new ConcurrentHashMap<>();
            AtomicInteger next = new AtomicInteger();
            CountDownLatch finished = new CountDownLatch(500);
            JobSubmitted job = job();
            // At most 40 at once (fewer than a pool holds), so streams reach the wire and fail there.
            Runnable[] chain = new Runnable[1];
            chain[0] = () -> {
                int i = next.getAndIncrement();
                if (i >= 500) {
                    return;
                }
                adapters.get(scripts[i % scripts.length]).call(NOVA, job).onComplete(r -> {
                    if (r.failed() && r.cause() instanceof ProviderException e) {
                        failures.merge(e.error().type().code(), 1, Integer::sum);
                    }
                    finished.countDown();
                    chain[0].run();
                });
            };
            for (int i = 0; i < 40; i++) {
                chain[0].run();
            }
            assertThat(finished.await(90, TimeUnit.SECONDS)).isTrue();

            assertThat(failures.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(500);
            assertThat(failures).containsKeys("rate_limited", "malformed_response", "timeout")
                    .containsOnlyKeys("rate_limited", "malformed_response", "timeout", "server_error");
            eventually("the server sees 0 open connections (" + server.openConnections() + " now)",
                    () -> server.openConnections() == 0);
            // and no pool has anything stuck in use: a full pool's worth of streams still goes through
            BedrockAdapter ok = adapter("ok", 5_000, 10_000);
            try {
                List<Future<ProviderResponse>> after = new ArrayList<>();
                for (int i = 0; i < POOL; i++) {
                    after.add(ok.call(NOVA, job));
                }
                for (Future<ProviderResponse> f : after) {
                    assertThat(await(f).usage()).isEqualTo(new Usage(20, 15, 0));
                }
            } finally {
                ok.close();
            }
        } finally {
            adapters.values().forEach(BedrockAdapter::close);
        }
    }
}
