package dev.railyard.provider.http;

import dev.railyard.config.ProviderConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider's connections, split over pools of at most {@link #POOL_SIZE} each, which calls take in turn. Vert.x's
 * HTTP/1.1 pool picks a connection for every request by scanning all of the pool's connections: with a provider's
 * 10,000 calls in flight in one pool, that scan was a quarter of the worker's CPU (JFR, {@code bench/run inflight});
 * split, a request scans one pool of a few hundred. Over HTTP/2 one pool of multiplexed connections stays.
 */
public final class ProviderConnections implements AutoCloseable {
    /** Connections per pool. */
    static final int POOL_SIZE = 256;

    private final List<HttpClientAgent> agents;
    private final List<WebClient> clients;
    private final AtomicInteger turn = new AtomicInteger();

    private ProviderConnections(List<HttpClientAgent> agents) {
        this.agents = List.copyOf(agents);
        this.clients = this.agents.stream().map(ProviderHttp::web).toList();
    }

    /** {@code max_in_flight} connections of {@code provider}, in as many pools as it takes. */
    public static ProviderConnections open(Vertx vertx, ProviderConfig provider) {
        int pools = ProviderHttp.http2(provider) ? 1 : Math.max(1, (provider.maxInFlight() + POOL_SIZE - 1) / POOL_SIZE);
        int base = provider.maxInFlight() / pools;
        int extra = provider.maxInFlight() % pools;
        List<HttpClientAgent> agents = new ArrayList<>(pools);
        for (int i = 0; i < pools; i++) {
            agents.add(ProviderHttp.agent(vertx, provider, Math.max(1, base + (i < extra ? 1 : 0))));
        }
        return new ProviderConnections(agents);
    }

    /** The web client of the next pool, for a buffered call. */
    public WebClient web() {
        return clients.get(next());
    }

    /** The client of the next pool, for a streamed call. */
    public HttpClientAgent agent() {
        return agents.get(next());
    }

    int pools() {
        return agents.size();
    }

    private int next() {
        return agents.size() == 1 ? 0 : Math.floorMod(turn.getAndIncrement(), agents.size());
    }

    /** Closes every pool (a web client closes the client it wraps). */
    @Override
    public void close() {
        clients.forEach(WebClient::close);
    }
}
