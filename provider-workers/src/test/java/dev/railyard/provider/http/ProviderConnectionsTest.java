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
import dev.railyard.provider.lanes.JobLanes;
import java.util.concurrent.CountDownLatch;
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
    void pools_hold_at_most_the_pool_size_per_lane_and_http2_keeps_one_per_lane() {
        try (ProviderConnections small = ProviderConnections.open(vertx, provider(40, false), 1);
             ProviderConnections large = ProviderConnections.open(vertx, provider(10_000, false), 1);
             ProviderConnections laned = ProviderConnections.open(vertx, provider(10_000, false), 2);
             ProviderConnections multiplexed = ProviderConnections.open(vertx, provider(10_000, true), 2)) {
            assertThat(small.pools()).isEqualTo(1);
            assertThat(large.pools()).isEqualTo(40);
            // 10,000 x 1.25 headroom / 2 lanes = 6,250 a lane: 25 pools of 250 each
            assertThat(laned.pools()).isEqualTo(50);
            assertThat(multiplexed.pools()).isEqualTo(2);
        }
    }

    @Test
    void a_full_round_of_max_in_flight_calls_is_open_at_once_over_the_pools() throws Exception {
        try (ProviderConnections pools = ProviderConnections.open(vertx, provider(MAX_IN_FLIGHT, false), 1)) {
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

    @Test
    void each_lane_calls_over_its_own_pools_and_gets_its_answers_on_its_own_event_loop() throws Exception {
        JobLanes lanes = JobLanes.open(vertx, 2);
        try (ProviderConnections pools = ProviderConnections.open(vertx, provider(MAX_IN_FLIGHT, false), 2)) {
            List<Future<Boolean>> calls = new CopyOnWriteArrayList<>();
            CountDownLatch issued = new CountDownLatch(MAX_IN_FLIGHT);
            for (int i = 0; i < MAX_IN_FLIGHT; i++) {
                JobLanes.Lane lane = lanes.take(); // the least busy: the calls alternate between the lanes
                lane.context().runOnContext(v -> {
                    Thread caller = Thread.currentThread();
                    calls.add(pools.web().postAbs("http://127.0.0.1:" + server.actualPort() + "/v1/chat/completions")
                            .sendBuffer(Buffer.buffer("{}"))
                            .map(response -> response.statusCode() == 200 && Thread.currentThread() == caller
                                    && Vertx.currentContext() == lane.context()));
                    issued.countDown();
                });
            }
            assertThat(issued.await(30, TimeUnit.SECONDS)).isTrue();
            List<Boolean> onTheirLane = Future.all(List.copyOf(calls)).map(all -> calls.stream().map(Future::result).toList())
                    .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

            assertThat(onTheirLane).hasSize(MAX_IN_FLIGHT).containsOnly(true);
            // Every call of the round had its own connection: a lane's pools (375 = 300 x 1.25) took its 300 calls.
            assertThat(connections).hasSize(MAX_IN_FLIGHT);
        }
    }
}
