package dev.railyard.provider.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.provider.ProviderException;
import dev.railyard.provider.stream.StreamServer.Ending;
import dev.railyard.provider.stream.StreamServer.Reply;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Streams over real HTTP against a local server: assembled whole, or failed and always closed. */
class EventStreamsTest {
    private static final String WELL_FORMED = "data: {\"n\":1}\n\n: keep-alive\n\ndata: {\"n\":2,\"t\":\"\u00e9\u4e16\"}\n\ndata: [DONE]\n\n";
    private static final String ERROR_MID_STREAM = "data: {\"n\":1}\n\ndata: {\"error\":\"overloaded\"}\n\n";

    private static final int POOL = 128;

    private Vertx vertx;
    private StreamServer server;
    private HttpClientAgent client;
    private EventStreams streams;
    private final AtomicInteger clientConnections = new AtomicInteger();

    /** Collects data; {@code [DONE]} completes; an {@code error} payload is the provider's error. */
    private static final class Collecting implements StreamAssembler {
        final List<String> data = new ArrayList<>();
        boolean done;

        @Override
        public void accept(SseEvent event) {
            if (event.data().startsWith("{\"error\"")) {
                throw new ProviderException(new JobError(ErrorType.OVERLOADED, "error in the stream", 200, event.data(), null), null);
            }
            if ("[DONE]".equals(event.data())) {
                done = true;
            } else {
                data.add(event.data());
            }
        }

        @Override
        public boolean started() {
            return !data.isEmpty();
        }

        @Override
        public boolean complete() {
            return done;
        }
    }

    /**
     * The first connections of a JVM take hundreds of milliseconds (class loading, JIT): longer than
     * these tests' timeouts, which would then expire before any stream reached the wire.
     */
    @BeforeAll
    static void warmUp() throws Exception {
        Vertx warm = Vertx.vertx();
        try (StreamServer s = StreamServer.start(warm).on("ok", Reply.sse(WELL_FORMED, 5, Ending.END))) {
            HttpClientAgent c = warm.httpClientBuilder().with(new PoolOptions().setHttp1MaxSize(POOL)).build();
            EventStreams e = new EventStreams(warm, c);
            for (int round = 0; round < 2; round++) {
                List<Future<Streamed>> all = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    all.add(e.post(new StreamCall(s.url("ok"), Map.of(), Buffer.buffer("{}"), 10_000, 10_000), new Collecting(),
                            (status, headers, body) -> new ProviderException(JobError.of(ErrorType.SERVER_ERROR, "x"), null)));
                }
                for (Future<Streamed> f : all) {
                    await(f);
                }
            }
            c.close();
        } finally {
            warm.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = StreamServer.start(vertx)
                .on("ok", Reply.sse(WELL_FORMED, 5, Ending.END))
                .on("error", Reply.sse(ERROR_MID_STREAM, 7, Ending.STALL))
                .on("stall", Reply.sse("data: {\"n\":1}\n\n", 4, Ending.STALL))
                .on("hang", new Reply(200, Map.of(), List.of(), 0, Ending.HANG_BEFORE_HEADERS))
                .on("drip", Reply.sse("data: {\"n\":1}\n\n", 100, Ending.DRIP))
                .on("cut", Reply.sse("data: {\"n\":1}\n\ndata: {\"n\"", 100, Ending.CLOSE))
                .on("nodone", Reply.sse("data: {\"n\":1}\n\n", 100, Ending.END))
                .on("status", Reply.json(529, "{\"error\":{\"type\":\"overloaded_error\"}}"));
        client = vertx.httpClientBuilder()
                .with(new HttpClientOptions().setKeepAlive(true))
                .with(new PoolOptions().setHttp1MaxSize(POOL))
                .withConnectHandler(connection -> {
                    clientConnections.incrementAndGet();
                    connection.closeHandler(v -> clientConnections.decrementAndGet());
                })
                .build();
        streams = new EventStreams(vertx, client);
    }

    @AfterEach
    void stop() throws Exception {
        streams.close();
        client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Future<Streamed> post(String script, Collecting assembler, long idleMs, long timeoutMs) {
        StreamCall call = new StreamCall(server.url(script), Map.of("content-type", "application/json"),
                Buffer.buffer("{\"q\":1}"), idleMs, timeoutMs);
        return streams.post(call, assembler, (status, headers, body) ->
                new ProviderException(new JobError(ErrorType.OVERLOADED, "HTTP " + status, status, body, null), null));
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static ProviderException failure(Future<?> future) throws Exception {
        try {
            await(future);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(ProviderException.class);
            return (ProviderException) e.getCause();
        }
        throw new AssertionError("the stream did not fail");
    }

    /** Waits (up to 10 s) for a condition about connections, which close asynchronously. */
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
    void a_stream_split_into_tiny_slices_arrives_whole_with_its_time_to_first_token() throws Exception {
        Collecting assembler = new Collecting();

        Streamed streamed = await(post("ok", assembler, 2_000, 5_000));

        assertThat(assembler.data).containsExactly("{\"n\":1}", "{\"n\":2,\"t\":\"\u00e9\u4e16\"}");
        assertThat(streamed.status()).isEqualTo(200);
        assertThat(streamed.timeToFirstTokenMs()).isNotNull().isBetween(0L, streamed.latencyMs());
        assertThat(server.lastHeader("content-type")).isEqualTo("application/json");
        assertThat(server.lastBody().path("q").asInt()).isEqualTo(1);
    }

    @Test
    void a_finished_stream_leaves_its_connection_in_the_pool_for_the_next_call() throws Exception {
        streams = singleConnection();

        await(post("ok", new Collecting(), 2_000, 5_000));
        await(post("ok", new Collecting(), 2_000, 5_000));

        assertThat(server.connectionsOpened()).isEqualTo(1);
        assertThat(server.openConnections()).isEqualTo(1);
    }

    /** Streams over a pool of one connection: a second call gets through only if the first returned it. */
    private EventStreams singleConnection() {
        HttpClientAgent one = vertx.httpClientBuilder().with(new HttpClientOptions().setKeepAlive(true))
                .with(new PoolOptions().setHttp1MaxSize(1)).build();
        return new EventStreams(vertx, one);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "error,  overloaded,         error in the stream",
        "stall,  timeout,            no data from the provider for 100 ms",
        "hang,   timeout,            no data from the provider for 100 ms",
        "drip,   timeout,            the stream did not finish within 300 ms",
        "cut,    server_error,       ''",
        "nodone, malformed_response, the stream ended before the answer was complete"})
    void a_stream_that_does_not_end_well_fails_and_its_connection_is_closed(String script, String type, String message)
            throws Exception {
        ProviderException e = failure(post(script, new Collecting(), 100, 300));

        assertThat(e.error().type().code()).isEqualTo(type);
        assertThat(e.error().message()).contains(message);
        assertThat(e.retryable()).isTrue();
        if (!"nodone".equals(script)) { // a body that ended is a finished exchange: its connection may be reused
            eventually("the server sees the connection closed", () -> server.openConnections() == 0);
            eventually("the client sees the connection closed", () -> clientConnections.get() == 0);
        }
        assertThat(streams.inFlight()).isZero();
    }

    @Test
    void an_error_answer_is_classified_and_its_connection_stays_reusable() throws Exception {
        streams = singleConnection();

        ProviderException e = failure(post("status", new Collecting(), 2_000, 5_000));
        await(post("ok", new Collecting(), 2_000, 5_000));

        assertThat(e.error().type()).isEqualTo(ErrorType.OVERLOADED);
        assertThat(e.error().httpStatus()).isEqualTo(529);
        assertThat(e.error().providerBody()).contains("overloaded_error");
        assertThat(server.connectionsOpened()).isEqualTo(1);
    }

    @Test
    void closing_cancels_every_open_stream_and_closes_its_connection() throws Exception {
        List<Future<Streamed>> stalled = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            stalled.add(post("stall", new Collecting(), 60_000, 60_000));
        }
        eventually("five streams are open", () -> server.openConnections() == 5 && server.requests() == 5);

        streams.close();

        for (Future<Streamed> f : stalled) {
            assertThat(failure(f).error().message()).contains("cancelled");
        }
        eventually("the server sees every connection closed", () -> server.openConnections() == 0);
        eventually("the client sees every connection closed", () -> clientConnections.get() == 0);
    }

    @Test
    void five_hundred_failing_or_stalling_streams_leak_no_connection() throws Exception {
        String[] scripts = {"error", "stall", "hang", "drip", "cut"};
        Map<String, Integer> failures = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(500);
        // At most 40 at once (fewer than the pool holds), so streams get their connection and fail on the
        // wire: an error event, a stall before or after the headers, a drip past the overall timeout, a cut.
        Runnable[] chain = new Runnable[1];
        chain[0] = () -> {
            int i = next.getAndIncrement();
            if (i >= 500) {
                return;
            }
            post(scripts[i % scripts.length], new Collecting(), 400, 800).onComplete(r -> {
                if (r.failed() && r.cause() instanceof ProviderException e) {
                    String kind = e.error().type().code() + (e.error().message().contains("did not finish") ? " (overall)" : "");
                    failures.merge(kind, 1, Integer::sum);
                }
                finished.countDown();
                chain[0].run();
            });
        };
        for (int i = 0; i < 40; i++) {
            chain[0].run();
        }
        assertThat(finished.await(60, TimeUnit.SECONDS)).isTrue();

        // Every stream failed, and in each of the ways (which stream fails which way when the machine is
        // slow is not asserted: a stream still waiting for its connection fails by the idle timeout).
        assertThat(failures.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(500);
        assertThat(failures).containsOnlyKeys("overloaded", "timeout", "timeout (overall)", "server_error");
        assertThat(streams.inFlight()).isZero();
        eventually("the server sees 0 open connections (" + server.openConnections() + " now)", () -> server.openConnections() == 0);
        eventually("the client holds 0 connections (" + clientConnections.get() + " now)", () -> clientConnections.get() == 0);
        // and the pool has nothing stuck in use: a full pool's worth of streams still goes through
        List<Future<Streamed>> after = new ArrayList<>();
        for (int i = 0; i < POOL; i++) {
            after.add(post("ok", new Collecting(), 2_000, 5_000));
        }
        for (Future<Streamed> f : after) {
            assertThat(await(f).status()).isEqualTo(200);
        }
    }
}
