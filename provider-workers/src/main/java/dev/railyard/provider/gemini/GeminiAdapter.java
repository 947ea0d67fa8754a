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
import dev.railyard.provider.http.ProviderConnections;
import dev.railyard.provider.http.ProviderFailures;
import dev.railyard.provider.http.ProviderHttp;
import dev.railyard.provider.stream.EventStreams;
import dev.railyard.provider.stream.StreamCall;
import dev.railyard.provider.stream.Streamed;
import dev.railyard.provider.shape.OpenAiShape;
import dev.railyard.schema.event.Endpoint;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.Usage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Google's Gemini API: {@code POST {base_url}/v1beta/models/{model}:generateContent} for chat,
 * {@code :embedContent} (one input) or {@code :batchEmbedContents} (several) for embeddings; the key
 * goes in the {@code x-goog-api-key} header, never in the URL. With option {@code stream: true} chat
 * calls {@code :streamGenerateContent?alt=sse} instead, to measure the time to the first token.
 */
public final class GeminiAdapter implements ProviderAdapter {
    public static final Capabilities CAPABILITIES = new Capabilities("gemini", true, true, true, true, true, true,
            Set.of("temperature", "top_p", "top_k", "seed", "n", "stop", "max_tokens", "max_completion_tokens",
                    "response_format", "logprobs", "top_logprobs", "tools", "tool_choice", "reasoning_effort",
                    "frequency_penalty", "presence_penalty"),
            Set.of("dimensions"), false);

    private final ProviderConfig provider;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final GeminiErrorClassifier classifier;
    private final ProviderConnections connections;
    private final EventStreams streams;
    private final boolean stream;

    public GeminiAdapter(Vertx vertx, ProviderConfig provider, ObjectMapper mapper, Clock clock) {
        this.provider = provider;
        this.mapper = mapper;
        this.clock = clock;
        this.classifier = new GeminiErrorClassifier(mapper, clock);
        this.connections = ProviderConnections.open(vertx, provider);
        this.streams = new EventStreams(vertx, connections::agent);
        this.stream = Boolean.parseBoolean(provider.option("stream", "false"));
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
        if (stream && !embeddings) {
            return stream(provider.baseUrl() + "/v1beta/models/" + model + ":streamGenerateContent?alt=sse", body, model);
        }
        var request = connections.web().postAbs(provider.baseUrl() + "/v1beta/models/" + model + ":" + method)
                .timeout(provider.timeout().toMillis());
        headers("application/json").forEach(request::putHeader);
        long started = System.nanoTime();
        return request.sendBuffer(body)
                .recover(failure -> Future.failedFuture(ProviderFailures.transportFailure(failure)))
                .compose(response -> answer(response, embeddings, model, started));
    }

    private Map<String, String> headers(String accept) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", accept);
        if (provider.hasKey()) {
            headers.put("x-goog-api-key", provider.apiKey());
        }
        return headers;
    }

    private Future<ProviderResponse> stream(String url, Buffer body, String model) {
        GeminiStream assembler = new GeminiStream(mapper, classifier);
        Map<String, String> headers = headers("text/event-stream");
        headers.put("user-agent", ProviderHttp.userAgent());
        long timeout = provider.timeout().toMillis();
        StreamCall call = new StreamCall(url, headers, body,
                Long.parseLong(provider.option("stream_idle_timeout_ms", Long.toString(timeout))), timeout);
        return streams.post(call, assembler, classifier::classify).compose(streamed -> streamedAnswer(streamed, assembler, model));
    }

    private Future<ProviderResponse> streamedAnswer(Streamed streamed, GeminiStream assembler, String model) {
        JsonNode json = assembler.assembled();
        return chatAnswer(streamed.status(), json, json.toString(), streamed.headers().apply(GeminiErrorClassifier.REQUEST_ID),
                model, streamed.latencyMs(), streamed.timeToFirstTokenMs());
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
        return chatAnswer(status, json, text, requestId, model, latencyMs, null);
    }

    private Future<ProviderResponse> chatAnswer(int status, JsonNode json, String text, String requestId, String model,
                                                long latencyMs, Long timeToFirstTokenMs) {
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
                GeminiWire.usage(json), requestId, latencyMs, timeToFirstTokenMs));
    }

    @Override
    public void close() {
        streams.close();
        connections.close();
    }
}
