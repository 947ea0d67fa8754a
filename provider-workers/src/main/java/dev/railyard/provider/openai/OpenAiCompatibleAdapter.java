package dev.railyard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.config.Deployment;
import dev.railyard.config.ProviderConfig;
import dev.railyard.provider.ProviderAdapter;
import dev.railyard.provider.ProviderResponse;
import dev.railyard.schema.event.JobSubmitted;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Any API speaking OpenAI's chat completions and embeddings (OpenAI, Azure OpenAI's v1 API, vLLM,
 * the simulator...). One pooled keep-alive client per provider, sized to its {@code max_in_flight};
 * no pipelining, so one slow answer never holds up the requests queued behind it.
 */
public final class OpenAiCompatibleAdapter implements ProviderAdapter {
    private final ProviderConfig provider;
    private final ObjectMapper mapper;
    private final OpenAiErrorClassifier classifier;
    private final WebClient client;

    public OpenAiCompatibleAdapter(Vertx vertx, ProviderConfig provider, ObjectMapper mapper, Clock clock) {
        this.provider = provider;
        this.mapper = mapper;
        this.classifier = new OpenAiErrorClassifier(mapper, clock);
        WebClientOptions options = new WebClientOptions();
        options.setKeepAlive(true);
        options.setPipelining(false);
        options.setTcpNoDelay(true);
        options.setDecompressionSupported(true);
        options.setUserAgent("railyard-provider-worker");
        options.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, provider.timeout().toMillis()));
        options.setIdleTimeout(5);
        options.setIdleTimeoutUnit(TimeUnit.MINUTES);
        this.client = WebClient.create(vertx, options, new PoolOptions().setHttp1MaxSize(provider.maxInFlight()));
    }

    public OpenAiCompatibleAdapter(Vertx vertx, ProviderConfig provider) {
        this(vertx, provider, new ObjectMapper(), Clock.systemUTC());
    }

    @Override
    public Future<ProviderResponse> call(Deployment deployment, JobSubmitted job) {
        byte[] body = OpenAiWire.requestBody(mapper, job.body(), deployment.providerModel());
        var request = client.postAbs(OpenAiWire.url(provider.baseUrl(), job.endpoint()))
                .timeout(provider.timeout().toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("Accept", "application/json");
        if (provider.hasKey()) {
            request.putHeader("Authorization", "Bearer " + provider.apiKey());
        }
        long started = System.nanoTime();
        return request.sendBuffer(Buffer.buffer(body))
                .recover(failure -> Future.failedFuture(classifier.transportFailure(failure)))
                .compose(response -> answer(job.endpoint(), response, started));
    }

    private Future<ProviderResponse> answer(String endpoint, HttpResponse<Buffer> response, long started) {
        long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        int status = response.statusCode();
        Function<String, String> headers = response::getHeader;
        String text = response.body() == null ? "" : response.bodyAsString();
        if (status < 200 || status > 299) {
            return Future.failedFuture(classifier.classify(status, headers, text));
        }
        JsonNode json;
        try {
            json = mapper.readTree(text);
        } catch (IOException e) {
            return Future.failedFuture(classifier.malformed(status, headers, text, "not valid JSON"));
        }
        String missing = OpenAiWire.missingResult(endpoint, json);
        if (missing != null) {
            return Future.failedFuture(classifier.malformed(status, headers, text, missing));
        }
        // The body goes out as the provider returned it; its model field is the provider's own
        // (often a dated snapshot such as gpt-4o-mini-2024-07-18), which is what clients expect.
        return Future.succeededFuture(new ProviderResponse(status, json, OpenAiWire.usage(json),
                response.getHeader("x-request-id"), latencyMs));
    }

    @Override
    public void close() {
        client.close();
    }
}
