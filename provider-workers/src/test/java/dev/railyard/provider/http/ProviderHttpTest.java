package dev.railyard.provider.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.ProviderConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The provider client against a local server that answers only once every request of a round has arrived,
 * so a round of {@code max_in_flight} calls must all be open at once: over HTTP/1.1 each on its own
 * connection, over HTTP/2 (option {@code http2: true}) multiplexed on one. Either way the answers come back
 * on the event loop of the context that sent them, although the pool spreads its connections over several.
 */
class ProviderHttpTest {
    private static final int MAX_IN_FLIGHT = 40;

    private Vertx vertx;
    private HttpServer server;
    private final Set<String> connections = ConcurrentHashMap.newKeySet();
    private final Set<HttpVersion> versions = ConcurrentHashMap.newKeySet();
    private final List<HttpServerRequest> held = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> {
            connections.add(request.remoteAddress().toString());
            versions.add(request.version());
            held.add(request);
            if (held.size() == MAX_IN_FLIGHT) {
                held.forEach(r -> r.response().putHeader("content-type", "application/json").end("{\"ok\":true}"));
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "http2: {0}")
    @CsvSource({"false, HTTP_1_1", "true, HTTP_2"})
    void maxInFlightCallsRunAtOnceAndAnswerOnTheCallersContext(boolean http2, HttpVersion version) throws Exception {
        ProviderConfig provider = new ProviderConfig("local", "openai-compatible", "http://127.0.0.1:" + server.actualPort(),
                "key", false, false, Duration.ofSeconds(30), MAX_IN_FLIGHT, Map.of(ProviderHttp.HTTP2_OPTION, Boolean.toString(http2)));
        WebClient client = ProviderHttp.client(vertx, provider);
        Context caller = vertx.getOrCreateContext();
        List<Boolean> onCaller = new CopyOnWriteArrayList<>();
        CompletableFuture<List<Integer>> statuses = new CompletableFuture<>();
        caller.runOnContext(v -> {
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < MAX_IN_FLIGHT; i++) {
                calls.add(client.postAbs("http://127.0.0.1:" + server.actualPort() + "/v1/chat/completions")
                        .sendBuffer(io.vertx.core.buffer.Buffer.buffer("{}"))
                        .map(response -> {
                            onCaller.add(Vertx.currentContext() == caller);
                            return response.statusCode();
                        }));
            }
            Future.all(calls).onComplete(all -> statuses.complete(calls.stream().map(Future::result).toList()));
        });

        assertThat(statuses.get(30, TimeUnit.SECONDS)).hasSize(MAX_IN_FLIGHT).containsOnly(200);
        assertThat(versions).containsExactly(version);
        if (http2) {
            // How many the pool opens before the server's settings arrive is Vert.x's business; never one per call.
            assertThat(connections).isNotEmpty().hasSizeLessThan(MAX_IN_FLIGHT / 2);
        } else {
            assertThat(connections).hasSize(MAX_IN_FLIGHT);
        }
        assertThat(onCaller).hasSize(MAX_IN_FLIGHT).containsOnly(true);
        client.close();
    }
}
