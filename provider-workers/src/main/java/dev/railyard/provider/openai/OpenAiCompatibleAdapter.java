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
import dev.railyard.provider.http.ProviderHttp;
import dev.railyard.schema.event.JobSubmitted;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Any API speaking OpenAI's chat completions and embeddings (OpenAI, vLLM, Ollama, Groq, Mistral,
 * the simulator...) and Azure OpenAI (type {@code azure-openai}: deployment URLs, {@code api-version},
 * {@code api-key} header). Per-provider quirks are configuration, not code: option
 * {@code unsupported_parameters} (comma-separated) fails jobs that use those parameters up front.
 */
public final class OpenAiCompatibleAdapter implements ProviderAdapter {
    public static final Capabilities OPENAI_COMPATIBLE = new Capabilities("openai-compatible", true, true, true, true, true,
            false, Set.copyOf(Parameters.CHAT), Set.copyOf(Parameters.EMBEDDINGS), true);
    /** Azure rejects top_k, which some OpenAI-compatible servers (vLLM, Together...) accept. */
    public static final Capabilities AZURE_OPENAI = new Capabilities("azure-openai", true, true, true, true, true,
            false, Set.copyOf(Parameters.CHAT), Set.copyOf(Parameters.EMBEDDINGS), true).without(Set.of("top_k"));
    static final String DEFAULT_AZURE_API_VERSION = "2024-10-21";

    private final ProviderConfig provider;
    private final ObjectMapper mapper;
    private final OpenAiErrorClassifier classifier;
    private final WebClient client;
    private final boolean azure;
    private final Capabilities capabilities;

    public OpenAiCompatibleAdapter(Vertx vertx, ProviderConfig provider, ObjectMapper mapper, Clock clock) {
        this.provider = provider;
        this.mapper = mapper;
        this.classifier = new OpenAiErrorClassifier(mapper, clock);
        this.client = ProviderHttp.client(vertx, provider);
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
        byte[] body = OpenAiWire.requestBody(mapper, job.body(), deployment.providerModel());
        String url = azure
                ? OpenAiWire.azureUrl(provider.baseUrl(), deployment.providerModel(), job.endpoint(),
                        provider.option("api_version", DEFAULT_AZURE_API_VERSION))
                : OpenAiWire.url(provider.baseUrl(), job.endpoint());
        var request = client.postAbs(url)
                .timeout(provider.timeout().toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("Accept", "application/json");
        if (provider.hasKey() && azure) {
            request.putHeader("api-key", provider.apiKey());
        } else if (provider.hasKey()) {
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
