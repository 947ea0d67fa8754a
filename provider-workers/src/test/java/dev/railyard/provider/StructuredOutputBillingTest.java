package dev.railyard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.config.Deployment;
import dev.railyard.config.ProviderConfig;
import dev.railyard.config.RetryPolicy;
import dev.railyard.provider.structured.SchemaCache;
import dev.railyard.provider.structured.StructuredOutput;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.event.Usage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Answers refused for their structured output: retried, billed, and a typed failure when none conforms. */
class StructuredOutputBillingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Deployment DEPLOYMENT = new Deployment("d1", "p1", "gpt-4o-mini", "gpt-4o-mini");
    private static final ProviderConfig PROVIDER = new ProviderConfig("p1", "openai-compatible", "http://127.0.0.1:1", "k",
            false, false, Duration.ofSeconds(5), 8);
    private static final RetryPolicy POLICY = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2));
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Answers each call with the next content (the last one repeats), each billed at 10 + 5 tokens. */
    private static final class Answers implements ProviderAdapter {
        private final Deque<String> contents;
        int calls;

        Answers(String... contents) {
            this.contents = new ArrayDeque<>(List.of(contents));
        }

        @Override
        public Future<ProviderResponse> call(Deployment deployment, JobSubmitted job) {
            calls++;
            String content = contents.size() > 1 ? contents.poll() : contents.peek();
            ObjectNode body = JSON.createObjectNode();
            body.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
                    .putObject("message").put("role", "assistant").put("content", content);
            return Future.succeededFuture(new ProviderResponse(200, body, new Usage(10, 5, 0), "req_" + calls, 3));
        }
    }

    private static JobSubmitted job() throws Exception {
        JobSubmitted plain = Jobs.chat("job-so", "gpt-4o-mini", "where?");
        ObjectNode body = (ObjectNode) plain.body();
        JsonNode format = JSON.readTree("{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"place\",\"strict\":true,\"schema\":" + SCHEMA + "}}");
        body.set("response_format", format);
        return plain;
    }

    private static CallOutcome run(ProviderAdapter provider) throws Exception {
        ProviderAdapter checked = new StructuredOutputAdapter(provider, new StructuredOutput(new SchemaCache(4)), JSON);
        AttemptLoop loop = new AttemptLoop(vertx, POLICY, () -> 0.5, () -> true, Clock.systemUTC());
        return loop.run(checked, DEPLOYMENT, PROVIDER, job(), 1, 0, (u, t) -> new BigDecimal("0.01"))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void a_non_conforming_answer_is_retried_and_still_billed() throws Exception {
        Answers provider = new Answers("{\"town\":\"Paris\"}", "{\"city\":\"Paris\"}");

        CallOutcome outcome = run(provider);

        assertThat(outcome.succeeded()).isTrue();
        assertThat(provider.calls).isEqualTo(2);
        Attempt refused = outcome.attempts().get(0);
        assertThat(refused.error().type()).isEqualTo(ErrorType.STRUCTURED_OUTPUT_INVALID);
        assertThat(refused.error().message()).contains("json_schema 'place'").contains("required property 'city' not found");
        assertThat(refused.error().providerRequestId()).isEqualTo("req_1");
        assertThat(refused.billed()).isTrue();
        assertThat(refused.usage()).isEqualTo(new Usage(10, 5, 0));
        assertThat(refused.httpStatus()).isEqualTo(200);
        assertThat(outcome.attempts()).extracting(Attempt::billed).containsExactly(true, true);
        assertThat(Attempts.billedCost(outcome.attempts())).isEqualByComparingTo("0.02");
    }

    @Test
    void when_no_answer_conforms_the_job_fails_with_structured_output_invalid_and_pays_for_every_answer() throws Exception {
        Answers provider = new Answers("The city is Paris.");

        CallOutcome outcome = run(provider);
        JobResult result = JobResults.of(job(), DEPLOYMENT.id(), outcome, Instant.now());

        assertThat(provider.calls).isEqualTo(POLICY.maxAttempts());
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.error().type()).isEqualTo(ErrorType.STRUCTURED_OUTPUT_INVALID);
        assertThat(result.error().message()).contains("content is not JSON");
        assertThat(result.response()).isNull();
        assertThat(result.attempts()).hasSize(3).allSatisfy(a -> {
            assertThat(a.billed()).isTrue();
            assertThat(a.cost()).isEqualByComparingTo("0.01");
        });
        assertThat(result.cost()).isEqualByComparingTo("0.03");
    }

    @Test
    void a_schema_that_does_not_compile_fails_before_any_call() throws Exception {
        Answers provider = new Answers("{}");
        ProviderAdapter checked = new StructuredOutputAdapter(provider, new StructuredOutput(new SchemaCache(4)), JSON);
        JobSubmitted job = job();
        ((ObjectNode) job.body().at("/response_format/json_schema")).set("schema", JSON.readTree("{\"type\":\"place\"}"));

        Throwable failure = checked.call(DEPLOYMENT, job).cause();

        assertThat(provider.calls).isZero();
        assertThat(((ProviderException) failure).error().type()).isEqualTo(ErrorType.INVALID_REQUEST);
    }
}
