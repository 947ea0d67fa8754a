package dev.railyard.provider.http;

import dev.railyard.config.ProviderConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP client every adapter uses: one pooled keep-alive client per provider, sized to its
 * {@code max_in_flight}; no pipelining, so one slow answer never holds up the requests queued behind it.
 */
public final class ProviderHttp {
    private ProviderHttp() {
    }

    public static WebClient client(Vertx vertx, ProviderConfig provider) {
        WebClientOptions options = new WebClientOptions();
        options.setKeepAlive(true);
        options.setPipelining(false);
        options.setTcpNoDelay(true);
        options.setDecompressionSupported(true);
        options.setUserAgent("railyard-provider-worker");
        options.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, provider.timeout().toMillis()));
        options.setIdleTimeout(5);
        options.setIdleTimeoutUnit(TimeUnit.MINUTES);
        return WebClient.create(vertx, options, new PoolOptions().setHttp1MaxSize(provider.maxInFlight()));
    }
}
