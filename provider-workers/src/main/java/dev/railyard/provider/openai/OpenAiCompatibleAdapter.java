package dev.railyard.provider.openai;

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
import dev.railyard.provider.http.ProviderHttp;
import dev.railyard.provider.ratelimit.QuotaHeaders;
import dev.railyard.provider.stream.EventStreams;
import dev.railyard.provider.stream.StreamCall;
import dev.railyard.provider.stream.Streamed;
import dev.railyard.schema.event.Endpoint;
import dev.railyard.schema.event.JobSubmitted;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Any API speaking OpenAI's chat completions and embeddings (OpenAI, vLLM, Ollama, Groq, Mistral,
 * the simulator...) and Azure OpenAI (type {@code azure-openai}: deployment URLs, {@code api-version},
 * {@code api-key} header). Per-provider quirks are configuration, not code: option
 * {@code unsupported_parameters} (comma-separated) fails jobs that use those parameters up front.
 * With option {@code stream: true} chat calls stream ({@code stream_options.include_usage}) to measure
 * the time to the first token; the chunks are assembled into the same {@code chat.completion}.
 */
public final class OpenAiCompatibleAdapter implements ProviderAdapter {
    public static final Capabilities OPENAI_COMPATIBLE = new Capabilities("openai-compatible", true, true, true, true, true,
            true, Set.copyOf(Parameters.CHAT), Set.copyOf(Parameters.EMBEDDINGS), true);
    /** Azure rejects top_k, which some OpenAI-compatible servers (vLLM, Together...) accept. */
    public static final Capabilities AZURE_OPENAI = new Capabilities("azure-openai", true, true, true, true, true,
            true, Set.copyOf(Parameters.CHAT), Set.copyOf(Parameters.EMBEDDINGS), true).without(Set.of("top_k"));
    static final String DEFAULT_AZURE_API_VERSION = "2024-10-21";

    private final ProviderConfig provider;
    private final ObjectMapper mapper;
    private final OpenAiErrorClassifier classifier;
    private final ProviderConnections connections;
    private final EventStreams streams;
    private final boolean azure;
    private final boolean stream;
    private final Capabilities capabilities;

    public OpenAiCompatibleAdapter(Vertx vertx, ProviderConfig provider, ObjectMapper mapper, Clock clock) {
        this.provider = provider;
        this.mapper = mapper;
        this.classifier = new OpenAiErrorClassifier(mapper, clock);
        this.connections = ProviderConnections.open(vertx, provider);
        this.streams = new EventStreams(vertx, connections::agent);
        this.stream = Boolean.parseBoolean(provider.option("stream", "false"));
        this.azure = "azure-openai".equals(provider.type());
        this.capabilities = (azure ? AZURE_OPENAI : OPENAI_COMPATIBLE).without(unsupported(provider));
    }

    private static Set<String> unsupported(ProviderConfig provider) {
        return Arrays.stream(provider.option("unsupported_parameters", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    public OpenAiCompatibleAdapter(Vertx vertx, ProviderConfig provider) {
        this(vertx, provider, new ObjectMapper(), Clock.systemUTC());
    }

    @Override
    public Future<ProviderResponse> call(Deployment deployment, JobSubmitted job) {
        try {
            Parameters.check(capabilities, job.endpoint(), job.body());
        } catch (ProviderException e) {
            return Future.failedFuture(e);
        }
        boolean streaming = stream && Endpoint.CHAT_COMPLETIONS.path().equals(job.endpoint());
        byte[] body = streaming ? OpenAiWire.streamingRequestBody(mapper, job.body(), deployment.providerModel())
                : OpenAiWire.requestBody(mapper, job.body(), deployment.providerModel());
        String url = azure
                ? OpenAiWire.azureUrl(provider.baseUrl(), deployment.providerModel(), job.endpoint(),
                        provider.option("api_version", DEFAULT_AZURE_API_VERSION))
                : OpenAiWire.url(provider.baseUrl(), job.endpoint());
        Map<String, String> headers = headers(streaming);
        if (streaming) {
            return stream(url, headers, body);
        }
        var request = connections.web().postAbs(url).timeout(provider.timeout().toMillis());
        headers.forEach(request::putHeader);
        long started = System.nanoTime();
        return request.sendBuffer(Buffer.buffer(body))
                .recover(failure -> Future.failedFuture(classifier.transportFailure(failure)))
                .compose(response -> answer(job.endpoint(), response, started));
    }

    private Map<String, String> headers(boolean streaming) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", streaming ? "text/event-stream" : "application/json");
        if (streaming) {
            headers.put("User-Agent", ProviderHttp.userAgent());
        }
        if (provider.hasKey() && azure) {
            headers.put("api-key", provider.apiKey());
        } else if (provider.hasKey()) {
            headers.put("Authorization", "Bearer " + provider.apiKey());
        }
        return headers;
    }

    private Future<ProviderResponse> stream(String url, Map<String, String> headers, byte[] body) {
        OpenAiStream assembler = new OpenAiStream(mapper, classifier);
        long timeout = provider.timeout().toMillis();
        StreamCall call = new StreamCall(url, headers, Buffer.buffer(body),
                Long.parseLong(provider.option("stream_idle_timeout_ms", Long.toString(timeout))), timeout);
        return streams.post(call, assembler, classifier::classify).compose(streamed -> streamedAnswer(streamed, assembler));
    }

    private Future<ProviderResponse> streamedAnswer(Streamed streamed, OpenAiStream assembler) {
        JsonNode json = assembler.completion();
        String missing = OpenAiWire.missingResult(Endpoint.CHAT_COMPLETIONS.path(), json);
        if (missing != null) {
            return Future.failedFuture(classifier.malformed(streamed.status(), streamed.headers(), json.toString(), missing));
        }
        return Future.succeededFuture(new ProviderResponse(streamed.status(), json, OpenAiWire.usage(json),
                streamed.headers().apply("x-request-id"), streamed.latencyMs(), streamed.timeToFirstTokenMs())
                .withQuotaResetIn(QuotaHeaders.openAi(streamed.headers())));
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
                response.getHeader("x-request-id"), latencyMs).withQuotaResetIn(QuotaHeaders.openAi(headers)));
    }

    @Override
    public void close() {
        streams.close();
        connections.close();
    }
}
