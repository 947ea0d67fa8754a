package dev.railyard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.railyard.provider.shape.OpenAiShape;
import dev.railyard.provider.stream.AwsEventStreamDecoder;
import dev.railyard.provider.stream.EventStreams;
import dev.railyard.provider.stream.StreamCall;
import dev.railyard.provider.stream.Streamed;
import dev.railyard.schema.event.Endpoint;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.Usage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * AWS Bedrock: chat through Converse ({@code POST /model/{modelId}/converse}), or with option
 * {@code stream: true} through ConverseStream ({@code /converse-stream}, AWS's binary event stream) to
 * measure the time to the first token; embeddings through InvokeModel ({@code POST /model/{modelId}/invoke})
 * for Titan and Cohere embed models. Every request is SigV4-signed by the AWS SDK's signer with the
 * provider's access key pair.
 */
public final class BedrockAdapter implements ProviderAdapter {
    public static final Capabilities CAPABILITIES = new Capabilities("bedrock", true, true, true, true, false, true,
            Set.of("temperature", "top_p", "stop", "max_tokens", "max_completion_tokens", "tools", "tool_choice"),
            Set.of("dimensions"), false);
    private static final String TOKEN_COUNT = "X-Amzn-Bedrock-Input-Token-Count";
    static final String EVENT_STREAM = "application/vnd.amazon.eventstream";

    private final ProviderConfig provider;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final BedrockErrorClassifier classifier;
    private final BedrockSigner signer;
    private final ProviderConnections connections;
    private final EventStreams streams;
    private final boolean stream;

    public BedrockAdapter(Vertx vertx, ProviderConfig provider, ObjectMapper mapper, Clock clock) {
        this.provider = provider;
        this.mapper = mapper;
        this.clock = clock;
        this.classifier = new BedrockErrorClassifier(mapper, clock);
        this.signer = new BedrockSigner(provider, clock);
        this.connections = ProviderConnections.open(vertx, provider);
        this.streams = new EventStreams(vertx, connections::agent);
        this.stream = Boolean.parseBoolean(provider.option("stream", "false"));
    }

    @Override
    public Future<ProviderResponse> call(Deployment deployment, JobSubmitted job) {
        String model = deployment.providerModel();
        long started = System.nanoTime();
        try {
            Parameters.check(CAPABILITIES, job.endpoint(), job.body());
            if (Endpoint.EMBEDDINGS.path().equals(job.endpoint())) {
                return embeddings(model, job.body(), started);
            }
            byte[] body = mapper.writeValueAsBytes(BedrockWire.converse(mapper, job.body()));
            if (stream) {
                return stream(model, body);
            }
            return send(BedrockWire.path(model, "converse"), body).compose(response -> converseAnswer(response, model, started));
        } catch (ProviderException e) {
            return Future.failedFuture(e);
        } catch (IOException e) {
            return Future.failedFuture(ProviderFailures.invalid("request cannot be written: " + e.getMessage()));
        }
    }

    private Future<ProviderResponse> converseAnswer(HttpResponse<Buffer> response, String model, long started) {
        return json(response).compose(json -> {
            if (!json.path("output").path("message").isObject()) {
                return Future.failedFuture(ProviderFailures.malformed(response.statusCode(), response.bodyAsString(),
                        requestId(response), "the body has no output message"));
            }
            String id = "chatcmpl-" + (requestId(response) != null ? requestId(response) : Long.toHexString(System.nanoTime()));
            return Future.succeededFuture(new ProviderResponse(response.statusCode(),
                    BedrockWire.response(mapper, json, id, model, clock.instant().getEpochSecond()),
                    BedrockWire.usage(json), requestId(response), elapsed(started)));
        });
    }

    /** ConverseStream takes the Converse body as it is; only the path and the answer's encoding differ. */
    private Future<ProviderResponse> stream(String model, byte[] body) {
        String url = provider.baseUrl() + BedrockWire.path(model, "converse-stream");
        Map<String, String> headers = new LinkedHashMap<>();
        signer.sign(url, Map.of("Content-Type", "application/json", "Accept", EVENT_STREAM), body).forEach((name, values) -> {
            if (!"host".equalsIgnoreCase(name)) { // the client writes Host from the URL, as it was signed
                headers.put(name, String.join(",", values));
            }
        });
        headers.put("user-agent", ProviderHttp.userAgent());
        long timeout = provider.timeout().toMillis();
        StreamCall call = new StreamCall(url, headers, Buffer.buffer(body),
                Long.parseLong(provider.option("stream_idle_timeout_ms", Long.toString(timeout))), timeout);
        BedrockStream assembler = new BedrockStream(mapper, classifier);
        return streams.post(call, new AwsEventStreamDecoder(EventStreams.MAX_EVENT_BYTES), assembler, classifier::classify)
                .compose(streamed -> streamedAnswer(streamed, assembler, model));
    }

    private Future<ProviderResponse> streamedAnswer(Streamed streamed, BedrockStream assembler, String model) {
        JsonNode json = assembler.assembled();
        String requestId = streamed.headers().apply(BedrockErrorClassifier.REQUEST_ID);
        String id = "chatcmpl-" + (requestId != null ? requestId : Long.toHexString(System.nanoTime()));
        return Future.succeededFuture(new ProviderResponse(streamed.status(),
                BedrockWire.response(mapper, json, id, model, clock.instant().getEpochSecond()), BedrockWire.usage(json),
                requestId, streamed.latencyMs(), streamed.timeToFirstTokenMs()));
    }

    private Future<ProviderResponse> embeddings(String model, JsonNode body, long started) throws IOException {
        List<String> inputs = OpenAiShape.embeddingInputs(body, BedrockWire.PROVIDER);
        String path = BedrockWire.path(model, "invoke");
        if (BedrockWire.embeddingFamily(model) == BedrockWire.EmbeddingFamily.COHERE) {
            byte[] request = mapper.writeValueAsBytes(BedrockWire.cohere(mapper, inputs, body));
            return send(path, request).compose(response -> json(response).compose(json -> {
                List<JsonNode> vectors = new ArrayList<>();
                json.path("embeddings").forEach(vectors::add);
                return embeddingsAnswer(response, model, vectors, tokens(response, json), inputs.size(), started);
            }));
        }
        // Titan takes one text per call: one signed call per input, answered together in input order.
        List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
        for (String input : inputs) {
            calls.add(send(path, mapper.writeValueAsBytes(BedrockWire.titan(mapper, input, body))));
        }
        return Future.all(calls).compose(all -> {
            List<Future<JsonNode>> parsed = new ArrayList<>();
            calls.forEach(c -> parsed.add(json(c.result())));
            return Future.all(parsed).compose(done -> {
                List<JsonNode> vectors = new ArrayList<>();
                long tokens = 0;
                for (int i = 0; i < calls.size(); i++) {
                    vectors.add(parsed.get(i).result().path("embedding"));
                    tokens += tokens(calls.get(i).result(), parsed.get(i).result());
                }
                return embeddingsAnswer(calls.get(calls.size() - 1).result(), model, vectors, tokens, inputs.size(), started);
            });
        });
    }

    private Future<ProviderResponse> embeddingsAnswer(HttpResponse<Buffer> response, String model, List<JsonNode> vectors,
                                                      long tokens, int expected, long started) {
        if (vectors.size() != expected || vectors.stream().anyMatch(v -> !v.isArray())) {
            return Future.failedFuture(ProviderFailures.malformed(response.statusCode(), response.bodyAsString(),
                    requestId(response), "expected " + expected + " embeddings"));
        }
        return Future.succeededFuture(new ProviderResponse(response.statusCode(), OpenAiShape.embeddings(mapper, model, vectors, tokens),
                new Usage(tokens, 0, 0), requestId(response), elapsed(started)));
    }

    /** Token count from InvokeModel's header, else Titan's body field. */
    private static long tokens(HttpResponse<Buffer> response, JsonNode json) {
        String header = response.getHeader(TOKEN_COUNT);
        try {
            return header != null ? Long.parseLong(header.trim()) : json.path("inputTextTokenCount").asLong(0);
        } catch (NumberFormatException e) {
            return json.path("inputTextTokenCount").asLong(0);
        }
    }

    /** Signs and sends; a non-2xx answer or no answer is a failed future carrying the classified error. */
    private Future<HttpResponse<Buffer>> send(String path, byte[] body) {
        String url = provider.baseUrl() + path;
        Map<String, List<String>> headers = signer.sign(url, Map.of("Content-Type", "application/json", "Accept", "application/json"), body);
        var request = connections.web().postAbs(url).timeout(provider.timeout().toMillis());
        headers.forEach((name, values) -> {
            if (!"host".equalsIgnoreCase(name)) { // the client writes Host from the URL, as it was signed
                values.forEach(v -> request.putHeader(name, v));
            }
        });
        return request.sendBuffer(Buffer.buffer(body))
                .recover(failure -> Future.failedFuture(ProviderFailures.transportFailure(failure)))
                .compose(response -> response.statusCode() >= 200 && response.statusCode() <= 299
                        ? Future.succeededFuture(response)
                        : Future.failedFuture(classifier.classify(response.statusCode(), response::getHeader,
                                response.body() == null ? "" : response.bodyAsString())));
    }

    private Future<JsonNode> json(HttpResponse<Buffer> response) {
        String text = response.body() == null ? "" : response.bodyAsString();
        try {
            JsonNode json = mapper.readTree(text);
            if (json != null && json.isObject()) {
                return Future.succeededFuture(json);
            }
        } catch (IOException e) {
            // reported below
        }
        return Future.failedFuture(ProviderFailures.malformed(response.statusCode(), text, requestId(response), "not a JSON object"));
    }

    private static String requestId(HttpResponse<Buffer> response) {
        return response.getHeader(BedrockErrorClassifier.REQUEST_ID);
    }

    private static long elapsed(long started) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    @Override
    public void close() {
        streams.close();
        connections.close();
    }
}
