package dev.railyard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.config.Deployment;
import dev.railyard.config.ProviderConfig;
import dev.railyard.provider.ProviderAdapter;
import dev.railyard.provider.ProviderException;
import dev.railyard.provider.ProviderResponse;
import dev.railyard.provider.capability.Capabilities;
import dev.railyard.provider.capability.Parameters;
import dev.railyard.provider.http.ProviderFailures;
import dev.railyard.provider.http.ProviderHttp;
import dev.railyard.schema.event.JobSubmitted;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Anthropic's Messages API ({@code POST {base_url}/v1/messages}, {@code x-api-key},
 * {@code anthropic-version}). Chat only: Anthropic has no embeddings endpoint.
 */
public final class AnthropicAdapter implements ProviderAdapter {
    public static final Capabilities CAPABILITIES = new Capabilities("anthropic", true, false, true, true, false, false,
            Set.of("temperature", "top_p", "top_k", "stop", "max_tokens", "max_completion_tokens", "tools", "tool_choice",
                    "parallel_tool_calls", "reasoning_effort", "user"),
            Set.of(), false);
    static final String DEFAULT_VERSION = "2023-06-01";

    private final ProviderConfig provider;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final AnthropicErrorClassifier classifier;
    private final WebClient client;

    public AnthropicAdapter(Vertx vertx, ProviderConfig provider, ObjectMapper mapper, Clock clock) {
        this.provider = provider;
        this.mapper = mapper;
        this.clock = clock;
        this.classifier = new AnthropicErrorClassifier(mapper, clock);
        this.client = ProviderHttp.client(vertx, provider);
    }

    @Override
    public Future<ProviderResponse> call(Deployment deployment, JobSubmitted job) {
        Buffer body;
        try {
            Parameters.check(CAPABILITIES, job.endpoint(), job.body());
            body = Buffer.buffer(mapper.writeValueAsBytes(AnthropicWire.request(mapper, job.body(), deployment.providerModel())));
        } catch (ProviderException e) {
            return Future.failedFuture(e);
        } catch (IOException e) {
            return Future.failedFuture(ProviderFailures.invalid("request cannot be written: " + e.getMessage()));
        }
        var request = client.postAbs(provider.baseUrl() + "/v1/messages")
                .timeout(provider.timeout().toMillis())
                .putHeader("content-type", "application/json")
                .putHeader("accept", "application/json")
                .putHeader("anthropic-version", provider.option("anthropic_version", DEFAULT_VERSION));
        if (provider.hasKey()) {
            request.putHeader("x-api-key", provider.apiKey());
        }
        long started = System.nanoTime();
        return request.sendBuffer(body)
                .recover(failure -> Future.failedFuture(ProviderFailures.transportFailure(failure)))
                .compose(response -> answer(response, started));
    }

    private Future<ProviderResponse> answer(HttpResponse<Buffer> response, long started) {
        long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        int status = response.statusCode();
        String text = response.body() == null ? "" : response.bodyAsString();
        String requestId = response.getHeader(AnthropicErrorClassifier.REQUEST_ID);
        if (status < 200 || status > 299) {
            return Future.failedFuture(classifier.classify(status, response::getHeader, text));
        }
        JsonNode json;
        try {
            json = mapper.readTree(text);
        } catch (IOException e) {
            return Future.failedFuture(ProviderFailures.malformed(status, text, requestId, "not valid JSON"));
        }
        if (json == null || !json.path("content").isArray()) {
            return Future.failedFuture(ProviderFailures.malformed(status, text, requestId, "the body has no content"));
        }
        long created = clock.instant().getEpochSecond();
        return Future.succeededFuture(new ProviderResponse(status, AnthropicWire.response(mapper, json, created),
                AnthropicWire.usage(json), requestId, latencyMs));
    }

    @Override
    public void close() {
        client.close();
    }
}
