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
import dev.railyard.provider.http.ProviderConnections;
import dev.railyard.provider.http.ProviderFailures;
import dev.railyard.provider.http.ProviderHttp;
import dev.railyard.provider.ratelimit.QuotaHeaders;
import dev.railyard.provider.stream.EventStreams;
import dev.railyard.provider.stream.StreamCall;
import dev.railyard.provider.stream.Streamed;
import dev.railyard.schema.event.JobSubmitted;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Anthropic's Messages API ({@code POST {base_url}/v1/messages}, {@code x-api-key},
 * {@code anthropic-version}). Chat only: Anthropic has no embeddings endpoint. With option
 * {@code stream: true} calls stream, to measure the time to the first token.
 */
public final class AnthropicAdapter implements ProviderAdapter {
    public static final Capabilities CAPABILITIES = new Capabilities("anthropic", true, false, true, true, false, true,
            Set.of("temperature", "top_p", "top_k", "stop", "max_tokens", "max_completion_tokens", "tools", "tool_choice",
                    "parallel_tool_calls", "reasoning_effort", "user"),
            Set.of(), false);
    static final String DEFAULT_VERSION = "2023-06-01";

    private final ProviderConfig provider;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final AnthropicErrorClassifier classifier;
    private final ProviderConnections connections;
    private final EventStreams streams;
    private final boolean stream;

    public AnthropicAdapter(Vertx vertx, ProviderConfig provider, ObjectMapper mapper, Clock clock) {
        this.provider = provider;
        this.mapper = mapper;
        this.clock = clock;
        this.classifier = new AnthropicErrorClassifier(mapper, clock);
        this.connections = ProviderConnections.open(vertx, provider);
        this.streams = new EventStreams(vertx, connections::agent);
        this.stream = Boolean.parseBoolean(provider.option("stream", "false"));
    }

    @Override
    public Future<ProviderResponse> call(Deployment deployment, JobSubmitted job) {
        Buffer body;
        try {
            Parameters.check(CAPABILITIES, job.endpoint(), job.body());
            var request = AnthropicWire.request(mapper, job.body(), deployment.providerModel());
            if (stream) {
                request.put("stream", true);
            }
            body = Buffer.buffer(mapper.writeValueAsBytes(request));
        } catch (ProviderException e) {
            return Future.failedFuture(e);
        } catch (IOException e) {
            return Future.failedFuture(ProviderFailures.invalid("request cannot be written: " + e.getMessage()));
        }
        String url = provider.baseUrl() + "/v1/messages";
        if (stream) {
            return stream(url, body);
        }
        var request = connections.web().postAbs(url).timeout(provider.timeout().toMillis());
        headers("application/json").forEach(request::putHeader);
        long started = System.nanoTime();
        return request.sendBuffer(body)
                .recover(failure -> Future.failedFuture(ProviderFailures.transportFailure(failure)))
                .compose(response -> answer(response, started));
    }

    private Map<String, String> headers(String accept) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", accept);
        headers.put("anthropic-version", provider.option("anthropic_version", DEFAULT_VERSION));
        if (provider.hasKey()) {
            headers.put("x-api-key", provider.apiKey());
        }
        return headers;
    }

    private Future<ProviderResponse> stream(String url, Buffer body) {
        AnthropicStream assembler = new AnthropicStream(mapper, classifier);
        Map<String, String> headers = headers("text/event-stream");
        headers.put("user-agent", ProviderHttp.userAgent());
        long timeout = provider.timeout().toMillis();
        StreamCall call = new StreamCall(url, headers, body,
                Long.parseLong(provider.option("stream_idle_timeout_ms", Long.toString(timeout))), timeout);
        return streams.post(call, assembler, classifier::classify).compose(streamed -> streamedAnswer(streamed, assembler));
    }

    private Future<ProviderResponse> streamedAnswer(Streamed streamed, AnthropicStream assembler) {
        JsonNode message = assembler.assembled();
        String requestId = streamed.headers().apply(AnthropicErrorClassifier.REQUEST_ID);
        if (!message.hasNonNull("id")) {
            return Future.failedFuture(ProviderFailures.malformed(streamed.status(), message.toString(), requestId,
                    "the stream had no message_start"));
        }
        return Future.succeededFuture(new ProviderResponse(streamed.status(),
                AnthropicWire.response(mapper, message, clock.instant().getEpochSecond()), AnthropicWire.usage(message),
                requestId, streamed.latencyMs(), streamed.timeToFirstTokenMs())
                .withQuotaResetIn(QuotaHeaders.anthropic(streamed.headers(), clock.instant())));
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
                AnthropicWire.usage(json), requestId, latencyMs)
                .withQuotaResetIn(QuotaHeaders.anthropic(response::getHeader, clock.instant())));
    }

    @Override
    public void close() {
        streams.close();
        connections.close();
    }
}
