package dev.railyard.provider.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.ProviderConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A provider's max_in_flight split over pools: every call of a full round is open at once, each on its own
 * connection, although no single pool holds that many.
 */
class ProviderConnectionsTest {
    private static final int MAX_IN_FLIGHT = 600; // three pools of 200

    private Vertx vertx;
    private HttpServer server;
    private final Set<String> connections = ConcurrentHashMap.newKeySet();
    private final List<HttpServerRequest> held = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        vertx = Vertx.vertx();
        // Answers only once the whole round has arrived: with fewer connections than calls it would never answer.
        server = vertx.createHttpServer().requestHandler(request -> {
            connections.add(request.remoteAddress().toString());
            held.add(request);
            if (held.size() == MAX_IN_FLIGHT) {
                held.forEach(r -> r.response().putHeader("content-type", "application/json").end("{}"));
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private ProviderConfig provider(int maxInFlight, boolean http2) {
        return new ProviderConfig("local", "openai-compatible", "http://127.0.0.1:" + server.actualPort(), "key", false, false,
                Duration.ofSeconds(30), maxInFlight, Map.of(ProviderHttp.HTTP2_OPTION, Boolean.toString(http2)));
    }

    @Test
    void pools_hold_at_most_the_pool_size_and_http2_keeps_one() {
        try (ProviderConnections small = ProviderConnections.open(vertx, provider(40, false));
             ProviderConnections large = ProviderConnections.open(vertx, provider(10_000, false));
             ProviderConnections multiplexed = ProviderConnections.open(vertx, provider(10_000, true))) {
            assertThat(small.pools()).isEqualTo(1);
            assertThat(large.pools()).isEqualTo(40);
            assertThat(multiplexed.pools()).isEqualTo(1);
        }
    }

    @Test
    void a_full_round_of_max_in_flight_calls_is_open_at_once_over_the_pools() throws Exception {
        try (ProviderConnections pools = ProviderConnections.open(vertx, provider(MAX_IN_FLIGHT, false))) {
            assertThat(pools.pools()).isEqualTo(3);
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < MAX_IN_FLIGHT; i++) {
                calls.add(pools.web().postAbs("http://127.0.0.1:" + server.actualPort() + "/v1/chat/completions")
                        .sendBuffer(Buffer.buffer("{}")).map(response -> response.statusCode()));
            }
            List<Integer> statuses = Future.all(calls).map(all -> calls.stream().map(Future::result).toList())
                    .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

            assertThat(statuses).hasSize(MAX_IN_FLIGHT).containsOnly(200);
            assertThat(connections).hasSize(MAX_IN_FLIGHT);
        }
    }
}
