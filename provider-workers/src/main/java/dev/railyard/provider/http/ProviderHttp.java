package dev.railyard.provider.http;

import dev.railyard.config.ProviderConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP client every adapter uses: one pooled keep-alive client per provider, sized to its
 * {@code max_in_flight}; no pipelining, so one slow answer never holds up the requests queued behind it.
 * Buffered calls go through a {@link WebClient} and streamed ones through the {@link HttpClientAgent}
 * it wraps: both share one pool.
 */
public final class ProviderHttp {
    private static final String USER_AGENT = "railyard-provider-worker";

    private ProviderHttp() {
    }

    /** The provider's pooled client, for streaming calls (and to wrap with {@link #web}). */
    public static HttpClientAgent agent(Vertx vertx, ProviderConfig provider) {
        HttpClientOptions options = new HttpClientOptions();
        options.setKeepAlive(true);
        options.setPipelining(false);
        options.setTcpNoDelay(true);
        options.setDecompressionSupported(true);
        options.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, provider.timeout().toMillis()));
        options.setIdleTimeout(5);
        options.setIdleTimeoutUnit(TimeUnit.MINUTES);
        return vertx.httpClientBuilder().with(options).with(new PoolOptions().setHttp1MaxSize(provider.maxInFlight())).build();
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
