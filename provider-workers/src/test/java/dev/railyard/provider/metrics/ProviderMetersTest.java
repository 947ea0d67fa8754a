package dev.railyard.provider.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.Deployment;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.Usage;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ProviderMetersTest {
    private static final Deployment DEPLOYMENT = new Deployment("openai-mini", "openai", "gpt-4o-mini", "gpt-4o-mini-2024-07-18");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ProviderMeters meters = new ProviderMeters(registry);

    @ParameterizedTest
    @CsvSource({"/v1/chat/completions, chat", "/v1/embeddings, embeddings", "/v1/messages, chat"})
    void the_operation_name_follows_the_jobs_endpoint(String endpoint, String operation) {
        meters.call(DEPLOYMENT, endpoint, 1_000_000, null, null, null);

        assertThat(registry.get(ProviderMeters.OPERATION_DURATION).tag("gen_ai.operation.name", operation).timer().count())
                .isEqualTo(1);
    }

    @Test
    void a_success_is_timed_without_an_error_type_and_records_input_and_output_tokens() {
        meters.call(DEPLOYMENT, "/v1/chat/completions", 250_000_000, new Usage(12, 34, 0), null, null);

        Meter.Id id = registry.get(ProviderMeters.OPERATION_DURATION).timer().getId();
        assertThat(id.getTag("error.type")).isNull();
        assertThat(id.getTag("gen_ai.provider.name")).isEqualTo("openai");
        assertThat(id.getTag("gen_ai.request.model")).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(id.getTag("deployment")).isEqualTo("openai-mini");
        assertThat(registry.get(ProviderMeters.OPERATION_DURATION).timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250);
        assertThat(registry.get(ProviderMeters.TOKEN_USAGE).tag("gen_ai.token.type", "input").summary().totalAmount()).isEqualTo(12);
        assertThat(registry.get(ProviderMeters.TOKEN_USAGE).tag("gen_ai.token.type", "output").summary().totalAmount()).isEqualTo(34);
        assertThat(registry.get(ProviderMeters.ATTEMPTS).tag("outcome", "succeeded").counter().count()).isEqualTo(1);
        assertThat(registry.find(ProviderMeters.TIME_TO_FIRST_TOKEN).timer()).as("buffered answers have no first token").isNull();
    }

    @Test
    void a_failure_is_timed_with_its_error_type_and_counted_under_it() {
        meters.call(DEPLOYMENT, "/v1/chat/completions", 5_000_000, null, null, ErrorType.RATE_LIMITED);

        assertThat(registry.get(ProviderMeters.OPERATION_DURATION).tag("error.type", "rate_limited").timer().count()).isEqualTo(1);
        assertThat(registry.get(ProviderMeters.ATTEMPTS).tag("outcome", "rate_limited").counter().count()).isEqualTo(1);
        assertThat(registry.find(ProviderMeters.TOKEN_USAGE).summaries()).isEmpty();
    }

    @Test
    void an_answer_refused_afterwards_still_records_the_tokens_it_used() {
        meters.call(DEPLOYMENT, "/v1/chat/completions", 5_000_000, new Usage(10, 5, 0), null, ErrorType.STRUCTURED_OUTPUT_INVALID);

        assertThat(registry.get(ProviderMeters.TOKEN_USAGE).tag("gen_ai.token.type", "output").summary().totalAmount()).isEqualTo(5);
        assertThat(registry.get(ProviderMeters.ATTEMPTS).tag("outcome", "structured_output_invalid").counter().count()).isEqualTo(1);
    }

    @Test
    void estimated_usage_is_not_the_providers_and_embeddings_have_no_output_tokens() {
        meters.call(DEPLOYMENT, "/v1/chat/completions", 1, Usage.estimate(100, 20), null, null);
        meters.call(DEPLOYMENT, "/v1/embeddings", 1, new Usage(8, 0, 0), null, null);

        assertThat(registry.find(ProviderMeters.TOKEN_USAGE).summaries()).singleElement()
                .satisfies(s -> {
                    assertThat(s.getId().getTag("gen_ai.token.type")).isEqualTo("input");
                    assertThat(s.getId().getTag("gen_ai.operation.name")).isEqualTo("embeddings");
                    assertThat(s.totalAmount()).isEqualTo(8);
                });
    }

    @Test
    void a_streamed_answer_records_its_time_to_first_token() {
        meters.call(DEPLOYMENT, "/v1/chat/completions", 900_000_000, new Usage(10, 50, 0), 120L, null);

        assertThat(registry.get(ProviderMeters.TIME_TO_FIRST_TOKEN).timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(120);
    }

    @Test
    void retries_fallbacks_and_waits_count_per_deployment_with_their_reason() {
        meters.retry(DEPLOYMENT, ErrorType.TIMEOUT);
        meters.retry(DEPLOYMENT, ErrorType.TIMEOUT);
        meters.fallback("openai-mini", ErrorType.SERVER_ERROR);
        meters.rateLimitWait("openai-mini", true);
        meters.rateLimitWait("openai-mini", false);
        meters.rateLimitWait("openai-mini", false);

        assertThat(registry.get(ProviderMeters.RETRIES).tags("deployment", "openai-mini", "reason", "timeout").counter().count()).isEqualTo(2);
        assertThat(registry.get(ProviderMeters.FALLBACKS).tags("reason", "server_error").counter().count()).isEqualTo(1);
        assertThat(registry.get(ProviderMeters.RATE_LIMIT_WAITS).tags("cause", "pause").counter().count()).isEqualTo(1);
        assertThat(registry.get(ProviderMeters.RATE_LIMIT_WAITS).tags("cause", "quota").counter().count()).isEqualTo(2);
    }
}
