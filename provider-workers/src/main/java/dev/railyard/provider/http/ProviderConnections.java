package dev.railyard.provider.http;

import dev.railyard.config.ProviderConfig;
import dev.railyard.provider.lanes.JobLanes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider's connections: for each of the worker's {@link JobLanes}, pools of at most {@link #POOL_SIZE}, which that
 * lane's calls take in turn. A lane's pools open their connections on the lane's own event loop, so a job's call and
 * its answer stay on the thread the job runs on. Vert.x's HTTP/1.1 pool picks a connection for every request by
 * scanning all of the pool's connections: with 10,000 calls in flight in one pool, that scan was a quarter of the
 * worker's CPU (JFR, {@code bench/run inflight}); split, a request scans one pool of a few hundred. Over HTTP/2 one
 * pool of multiplexed connections per lane is enough.
 */
public final class ProviderConnections implements AutoCloseable {
    /** Connections per pool, at most. */
    static final int POOL_SIZE = 256;
    /**
     * Room over a lane's share of {@code max_in_flight}: calls take a lane's pools in turn, not by how full they
     * are, and a call that finds its pool full would wait there while another pool of the lane has a free connection.
     * Connections are opened only when needed, and the worker never has more than {@code max_in_flight} calls out.
     */
    static final double HEADROOM = 1.25;

    /** By lane, that lane's pools. */
    private final List<List<HttpClientAgent>> agents;
    private final List<List<WebClient>> clients;
    private final List<AtomicInteger> turns;
    private final List<HttpClientAgent> all;
    private final List<WebClient> allClients;
    private final AtomicInteger turn = new AtomicInteger();

    private ProviderConnections(List<List<HttpClientAgent>> agents) {
        this.agents = agents.stream().map(List::copyOf).toList();
        this.clients = this.agents.stream().map(lane -> lane.stream().map(ProviderHttp::web).toList()).toList();
        this.turns = this.agents.stream().map(lane -> new AtomicInteger()).toList();
        this.all = this.agents.stream().flatMap(List::stream).toList();
        this.allClients = this.clients.stream().flatMap(List::stream).toList();
    }

    /** {@code max_in_flight} connections of {@code provider}, over {@link JobLanes#COUNT} lanes. */
    public static ProviderConnections open(Vertx vertx, ProviderConfig provider) {
        return open(vertx, provider, JobLanes.COUNT);
    }

    static ProviderConnections open(Vertx vertx, ProviderConfig provider, int lanes) {
        boolean http2 = ProviderHttp.http2(provider);
        // With one lane, a pool spreads its connections' reading and writing over the event loops (as before lanes);
        // with several, each lane's pools stay on the lane's loop.
        boolean ownLoop = lanes > 1;
        int perLane = (int) Math.ceil(provider.maxInFlight() * (lanes > 1 ? HEADROOM : 1.0) / lanes);
        int pools = http2 ? 1 : Math.max(1, (perLane + POOL_SIZE - 1) / POOL_SIZE);
        int base = perLane / pools;
        int extra = perLane % pools;
        List<List<HttpClientAgent>> byLane = new ArrayList<>(lanes);
        for (int lane = 0; lane < lanes; lane++) {
            List<HttpClientAgent> laneAgents = new ArrayList<>(pools);
            for (int i = 0; i < pools; i++) {
                laneAgents.add(ProviderHttp.agent(vertx, provider, Math.max(1, base + (i < extra ? 1 : 0)), ownLoop));
            }
            byLane.add(laneAgents);
        }
        return new ProviderConnections(byLane);
    }

    /** The web client of the calling lane's next pool, for a buffered call. */
    public WebClient web() {
        int lane = JobLanes.current();
        if (lane < 0 || lane >= clients.size()) {
            return allClients.get(next(turn, allClients.size()));
        }
        List<WebClient> own = clients.get(lane);
        return own.get(next(turns.get(lane), own.size()));
    }

    /** The client of the calling lane's next pool, for a streamed call. */
    public HttpClientAgent agent() {
        int lane = JobLanes.current();
        if (lane < 0 || lane >= agents.size()) {
            return all.get(next(turn, all.size()));
        }
        List<HttpClientAgent> own = agents.get(lane);
        return own.get(next(turns.get(lane), own.size()));
    }

    int pools() {
        return all.size();
    }

    private static int next(AtomicInteger turn, int size) {
        return size == 1 ? 0 : Math.floorMod(turn.getAndIncrement(), size);
    }

    /** Closes every pool (a web client closes the client it wraps). */
    @Override
    public void close() {
        allClients.forEach(WebClient::close);
    }
}
