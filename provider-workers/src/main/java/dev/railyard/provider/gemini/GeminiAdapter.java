package dev.railyard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.config.Deployment;
import dev.railyard.config.ProviderConfig;
import dev.railyard.provider.ProviderAdapter;
import dev.railyard.provider.ProviderException;
import dev.railyard.provider.ProviderResponse;
import dev.railyard.provider.capability.Capabilities;
import dev.railyard.provider.capability.Parameters;
import dev.railyard.provider.http.ProviderFailures;
import dev.railyard.provider.http.ProviderHttp;
import dev.railyard.provider.shape.OpenAiShape;
import dev.railyard.schema.event.Endpoint;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.Usage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Google's Gemini API: {@code POST {base_url}/v1beta/models/{model}:generateContent} for chat,
 * {@code :embedContent} (one input) or {@code :batchEmbedContents} (several) for embeddings; the key
 * goes in the {@code x-goog-api-key} header, never in the URL.
 */
public final class GeminiAdapter implements ProviderAdapter {
    public static final Capabilities CAPABILITIES = new Capabilities("gemini", true, true, true, true, true, false,
            Set.of("temperature", "top_p", "top_k", "seed", "n", "stop", "max_tokens", "max_completion_tokens",
                    "response_format", "logprobs", "top_logprobs", "tools", "tool_choice", "reasoning_effort",
                    "frequency_penalty", "presence_penalty"),
            Set.of("dimensions"), false);

    private final ProviderConfig provider;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final GeminiErrorClassifier classifier;
    private final WebClient client;

    public GeminiAdapter(Vertx vertx, ProviderConfig provider, ObjectMapper mapper, Clock clock) {
        this.provider = provider;
        this.mapper = mapper;
        this.clock = clock;
        this.classifier = new GeminiErrorClassifier(mapper, clock);
        this.client = ProviderHttp.client(vertx, provider);
    }

    @Override
    public Future<ProviderResponse> call(Deployment deployment, JobSubmitted job) {
        boolean embeddings = Endpoint.EMBEDDINGS.path().equals(job.endpoint());
        String model = deployment.providerModel().replaceFirst("^models/", "");
        String method;
        Buffer body;
        try {
            Parameters.check(CAPABILITIES, job.endpoint(), job.body());
            ObjectNode request;
            if (embeddings) {
                List<String> inputs = OpenAiShape.embeddingInputs(job.body(), GeminiWire.PROVIDER);
                boolean single = job.body().path("input").isTextual();
                method = single ? "embedContent" : "batchEmbedContents";
                request = single ? GeminiWire.embedRequest(mapper, inputs.get(0), job.body())
                        : GeminiWire.batchEmbedRequest(mapper, inputs, job.body(), model);
            } else {
                method = "generateContent";
                request = GeminiWire.request(mapper, job.body());
            }
            body = Buffer.buffer(mapper.writeValueAsBytes(request));
        } catch (ProviderException e) {
            return Future.failedFuture(e);
        } catch (IOException e) {
            return Future.failedFuture(ProviderFailures.invalid("request cannot be written: " + e.getMessage()));
        }
        var request = client.postAbs(provider.baseUrl() + "/v1beta/models/" + model + ":" + method)
                .timeout(provider.timeout().toMillis())
                .putHeader("content-type", "application/json")
                .putHeader("accept", "application/json");
        if (provider.hasKey()) {
            request.putHeader("x-goog-api-key", provider.apiKey());
        }
        long started = System.nanoTime();
        return request.sendBuffer(body)
                .recover(failure -> Future.failedFuture(ProviderFailures.transportFailure(failure)))
                .compose(response -> answer(response, embeddings, model, started));
    }

    private Future<ProviderResponse> answer(HttpResponse<Buffer> response, boolean embeddings, String model, long started) {
        long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        int status = response.statusCode();
        String text = response.body() == null ? "" : response.bodyAsString();
        String requestId = response.getHeader(GeminiErrorClassifier.REQUEST_ID);
        if (status < 200 || status > 299) {
            return Future.failedFuture(classifier.classify(status, response::getHeader, text));
        }
        JsonNode json;
        try {
            json = mapper.readTree(text);
        } catch (IOException e) {
            return Future.failedFuture(ProviderFailures.malformed(status, text, requestId, "not valid JSON"));
        }
        if (json == null || !json.isObject()) {
            return Future.failedFuture(ProviderFailures.malformed(status, text, requestId, "the body is not a JSON object"));
        }
        if (embeddings) {
            List<JsonNode> vectors = GeminiWire.vectors(json);
            if (vectors.isEmpty()) {
                return Future.failedFuture(ProviderFailures.malformed(status, text, requestId, "the body has no embeddings"));
            }
            // The embedding methods report no token counts: usage stays zero rather than guessed.
            return Future.succeededFuture(new ProviderResponse(status, OpenAiShape.embeddings(mapper, model, vectors, 0),
                    Usage.NONE, requestId, latencyMs));
        }
        String blocked = GeminiWire.blockReason(json);
        if (blocked != null) {
            return Future.failedFuture(GeminiErrorClassifier.blocked(status, text, blocked, requestId));
        }
        if (!json.path("candidates").isArray() || json.path("candidates").isEmpty()) {
            return Future.failedFuture(ProviderFailures.malformed(status, text, requestId, "the body has no candidates"));
        }
        String fallbackId = "gemini-" + (requestId != null ? requestId : Long.toHexString(System.nanoTime()));
        return Future.succeededFuture(new ProviderResponse(status,
                GeminiWire.response(mapper, json, model, fallbackId, clock.instant().getEpochSecond()),
                GeminiWire.usage(json), requestId, latencyMs));
    }

    @Override
    public void close() {
        client.close();
    }
}
