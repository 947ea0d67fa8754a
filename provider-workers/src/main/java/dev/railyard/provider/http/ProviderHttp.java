package dev.railyard.provider.http;

import dev.railyard.config.ProviderConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP client every adapter uses: pooled keep-alive clients per provider ({@link ProviderConnections}), sized
 * to its {@code max_in_flight}; no pipelining, so one slow answer never holds up the requests queued behind it.
 * Buffered calls go through a {@link WebClient} and streamed ones through the {@link HttpClientAgent} it wraps: both
 * share one pool. A worker's pools open their connections on the event loop of the job lane that uses them; a client
 * made outside the lanes spreads its connections over one event loop per core, and hands each response back to the
 * caller's event loop.
 */
public final class ProviderHttp {
    private static final String USER_AGENT = "railyard-provider-worker";
    /** Event loops the connections of one provider's pool are spread over (Vert.x's loops, no new threads). */
    private static final int IO_EVENT_LOOPS = Runtime.getRuntime().availableProcessors();
    /** Provider option: {@code true} to call the provider over HTTP/2 (see {@link #agent}). */
    public static final String HTTP2_OPTION = "http2";
    /** Flow-control window of an HTTP/2 connection, shared by its streams: room for many answers at once. */
    private static final int HTTP2_CONNECTION_WINDOW = 16 * 1024 * 1024;

    private ProviderHttp() {
    }

    /** The provider's pooled client, for streaming calls (and to wrap with {@link #web}). */
    public static HttpClientAgent agent(Vertx vertx, ProviderConfig provider) {
        return agent(vertx, provider, provider.maxInFlight(), false);
    }

    /**
     * A pooled client of at most {@code poolSize} HTTP/1.1 connections to the provider (see {@link ProviderConnections}).
     *
     * @param ownLoop open each connection on the event loop of the code that asks for it (a job lane's), rather than
     *                spread over the event loops
     */
    static HttpClientAgent agent(Vertx vertx, ProviderConfig provider, int poolSize, boolean ownLoop) {
        HttpClientOptions options = new HttpClientOptions();
        options.setKeepAlive(true);
        options.setPipelining(false);
        options.setTcpNoDelay(true);
        options.setDecompressionSupported(true);
        options.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, provider.timeout().toMillis()));
        options.setIdleTimeout(5);
        options.setIdleTimeoutUnit(TimeUnit.MINUTES);
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(poolSize).setEventLoopSize(ownLoop ? 0 : IO_EVENT_LOOPS);
        if (http2(provider)) {
            // Multiplexed: a connection carries as many calls as the server allows (commonly 100), so thousands in
            // flight need tens of connections, not thousands. Over https HTTP/2 is negotiated (ALPN) and falls back to
            // HTTP/1.1; over plain http it is spoken from the first byte (h2c, prior knowledge).
            options.setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true).setHttp2ClearTextUpgrade(false)
                    .setHttp2ConnectionWindowSize(HTTP2_CONNECTION_WINDOW);
            // Room for servers allowing as few as 10 streams; connections are opened only as the busy ones fill.
            pool.setHttp2MaxSize(Math.max(1, (poolSize + 9) / 10));
        }
        return vertx.httpClientBuilder().with(options).with(pool).build();
    }

    /** Whether the provider's option {@code http2} asks for HTTP/2. */
    static boolean http2(ProviderConfig provider) {
        return Boolean.parseBoolean(provider.option(HTTP2_OPTION, "false"));
    }

    /** A web client over {@code agent}'s pool; closing it closes the agent. */
    public static WebClient web(HttpClientAgent agent) {
        return WebClient.wrap(agent, new WebClientOptions().setUserAgent(USER_AGENT));
    }

    public static WebClient client(Vertx vertx, ProviderConfig provider) {
        return web(agent(vertx, provider));
    }

    /** Headers every streaming request carries (the web client adds its user agent itself). */
    public static String userAgent() {
        return USER_AGENT;
    }
}
