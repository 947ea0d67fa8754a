package dev.railyard.provider.metrics;

import dev.railyard.config.Deployment;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What provider workers record per call, under the OpenTelemetry GenAI semantic conventions where they apply
 * ({@code gen_ai.client.operation.duration}, {@code gen_ai.client.token.usage},
 * {@code gen_ai.server.time_to_first_token}) and Railyard's own names otherwise: one name per event, the
 * outcome as a tag. Tag values come from the configuration and the error taxonomy only (never a job, tenant or
 * prompt), so series are bounded by deployments × error types. Histogram buckets are the conventions' advisory
 * ones, so every registry exports the same few buckets.
 */
public final class ProviderMeters {
    public static final String OPERATION_DURATION = "gen_ai.client.operation.duration";
    public static final String TOKEN_USAGE = "gen_ai.client.token.usage";
    public static final String TIME_TO_FIRST_TOKEN = "gen_ai.server.time_to_first_token";
    public static final String ATTEMPTS = "railyard.attempts";
    public static final String RETRIES = "railyard.retries";
    public static final String FALLBACKS = "railyard.fallbacks";
    public static final String RATE_LIMIT_WAITS = "railyard.rate_limit.waits";

    private static final Duration[] DURATION_BUCKETS = seconds(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56,
            5.12, 10.24, 20.48, 40.96, 81.92);
    private static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576,
            4194304, 16777216, 67108864};
    private static final Duration[] TTFT_BUCKETS = seconds(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5,
            0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

    private final MeterRegistry registry;

    public ProviderMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records nothing (a registry no one reads). */
    public static ProviderMeters none() {
        return new ProviderMeters(new CompositeMeterRegistry());
    }

    /**
     * One call to a provider, answered or not.
     *
     * @param endpoint     the job's endpoint ({@code /v1/embeddings} or a chat endpoint)
     * @param usage        the answer's usage, or null when nothing was answered; Railyard's own estimates
     *                     ({@link Usage#estimated()}) are not the provider's figures and are not recorded
     * @param ttftMs       time to first token of a streamed answer, or null
     * @param error        the call's failure in the error taxonomy, or null when it succeeded
     */
    public void call(Deployment deployment, String endpoint, long durationNanos, Usage usage, Long ttftMs, ErrorType error) {
        String operation = operation(endpoint);
        Tags tags = Tags.of("gen_ai.operation.name", operation, "gen_ai.provider.name", deployment.provider(),
                "gen_ai.request.model", deployment.providerModel(), "deployment", deployment.id());
        // error.type only on failures, as the conventions say (Prometheus reads a missing label as empty).
        Tags timed = error == null ? tags : tags.and("error.type", error.code());
        Timer.builder(OPERATION_DURATION).description("GenAI operation duration (one provider call)")
                .tags(timed).serviceLevelObjectives(DURATION_BUCKETS).register(registry)
                .record(durationNanos, TimeUnit.NANOSECONDS);
        if (usage != null && !usage.estimated() && !Usage.NONE.equals(usage)) {
            tokens(tags, "input", usage.promptTokens());
            if (!operation.equals("embeddings")) {
                tokens(tags, "output", usage.completionTokens());
            }
        }
        if (ttftMs != null) {
            Timer.builder(TIME_TO_FIRST_TOKEN).description("Time to the first output token of a streamed answer")
                    .tags(tags).serviceLevelObjectives(TTFT_BUCKETS).register(registry)
                    .record(ttftMs, TimeUnit.MILLISECONDS);
        }
        Counter.builder(ATTEMPTS).description("Provider calls by outcome (succeeded, or the error type)")
                .tags("deployment", deployment.id(), "outcome", error == null ? "succeeded" : error.code())
                .register(registry).increment();
    }

    /** Another try on the same deployment after a retryable failure (now, or later from a delay topic). */
    public void retry(Deployment deployment, ErrorType reason) {
        Counter.builder(RETRIES).description("Retries on the same deployment, by the failure retried")
                .tags("deployment", deployment.id(), "reason", reason.code()).register(registry).increment();
    }

    /** A job leaves a failed deployment for its next fallback. */
    public void fallback(String fromDeployment, ErrorType reason) {
        Counter.builder(FALLBACKS).description("Jobs re-routed from a deployment to a fallback, by the failure")
                .tags("deployment", fromDeployment, "reason", reason.code()).register(registry).increment();
    }

    /**
     * A call had to wait before it could start.
     *
     * @param paused true when a provider's pause (a 429's Retry-After, quota headers) held it, false when a
     *               configured RPM/TPM quota did
     */
    public void rateLimitWait(String deploymentId, boolean paused) {
        Counter.builder(RATE_LIMIT_WAITS).description("Calls that waited for quota or a provider's pause")
                .tags("deployment", deploymentId, "cause", paused ? "pause" : "quota").register(registry).increment();
    }

    static String operation(String endpoint) {
        return endpoint != null && endpoint.endsWith("/embeddings") ? "embeddings" : "chat";
    }

    private void tokens(Tags tags, String type, long count) {
        DistributionSummary.builder(TOKEN_USAGE).description("Tokens used per provider call")
                .tags(tags.and("gen_ai.token.type", type)).serviceLevelObjectives(TOKEN_BUCKETS).register(registry)
                .record(count);
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return out;
    }
}
