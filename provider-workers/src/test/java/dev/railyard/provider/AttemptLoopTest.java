package dev.railyard.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.railyard.config.Deployment;
import dev.railyard.config.ProviderConfig;
import dev.railyard.config.RetryPolicy;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.Usage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import dev.railyard.provider.ratelimit.Quotas;
import java.time.Clock;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AttemptLoopTest {
    private static final Deployment DEPLOYMENT = new Deployment("d1", "p1", "gpt-4o-mini", "gpt-4o-mini");
    private static final ProviderConfig PROVIDER = new ProviderConfig("p1", "openai-compatible", "http://127.0.0.1:1", "k",
            false, false, Duration.ofSeconds(5), 8);
    private static final RetryPolicy POLICY = new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5));
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A provider that answers from a script, one entry per call. */
    private static final class ScriptedProvider implements ProviderAdapter {
        private final Deque<Supplier<Future<ProviderResponse>>> script;
        private int calls;

        @SafeVarargs
        ScriptedProvider(Supplier<Future<ProviderResponse>>... answers) {
            this.script = new ArrayDeque<>(List.of(answers));
        }

        @Override
        public Future<ProviderResponse> call(Deployment deployment, dev.railyard.schema.event.JobSubmitted job) {
            calls++;
            return script.size() > 1 ? script.poll().get() : script.peek().get();
        }
    }

    private static Supplier<Future<ProviderResponse>> ok() {
        return () -> Future.succeededFuture(new ProviderResponse(200, JsonNodeFactory.instance.objectNode(),
                new Usage(10, 5, 0), "req_ok", 3));
    }

    private static Supplier<Future<ProviderResponse>> error(ErrorType type, Integer status) {
        return () -> Future.failedFuture(new ProviderException(new JobError(type, type.code(), status, "{}", null), null));
    }

    private static CallOutcome run(ScriptedProvider provider, AtomicBoolean running) throws Exception {
        AttemptLoop loop = new AttemptLoop(vertx, POLICY, () -> 0.5, running::get, Clock.systemUTC());
        return loop.run(provider, DEPLOYMENT, PROVIDER, Jobs.chat("job-1", "gpt-4o-mini", "hi"), 1, 0, (u, t) -> new BigDecimal("0.01"))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static CallOutcome run(ScriptedProvider provider) throws Exception {
        return run(provider, new AtomicBoolean(true));
    }

    @Test
    void retries_transient_errors_until_the_provider_answers() throws Exception {
        ScriptedProvider provider = new ScriptedProvider(error(ErrorType.SERVER_ERROR, 500),
                error(ErrorType.RATE_LIMITED, 429), error(ErrorType.MALFORMED_RESPONSE, 200), ok());

        CallOutcome outcome = run(provider);

        assertThat(outcome.succeeded()).isTrue();
        assertThat(outcome.attempts()).extracting(Attempt::attemptId).containsExactly("job-1:1:1", "job-1:1:2", "job-1:1:3", "job-1:1:4");
        assertThat(outcome.attempts()).extracting(Attempt::httpStatus).containsExactly(500, 429, 200, 200);
        assertThat(outcome.attempts()).extracting(Attempt::billed).containsExactly(false, false, false, true);
        assertThat(Attempts.billedCost(outcome.attempts())).isEqualByComparingTo("0.01");
        assertThat(outcome.attempts().get(0).startedAt()).isEqualTo(outcome.firstStarted());
    }

    @Test
    void a_provider_reporting_its_quota_used_up_pauses_the_deployment_until_the_reset() throws Exception {
        Quotas quotas = Quotas.local(Clock.systemUTC());
        ScriptedProvider provider = new ScriptedProvider(() -> Future.succeededFuture(new ProviderResponse(200,
                JsonNodeFactory.instance.objectNode(), new Usage(10, 5, 0), "req_ok", 3, null, Duration.ofSeconds(40))));
        AttemptLoop loop = new AttemptLoop(vertx, POLICY, () -> 0.5, () -> true, Clock.systemUTC(), quotas);
        Instant before = Instant.now();

        CallOutcome outcome = loop.run(provider, DEPLOYMENT, PROVIDER, Jobs.chat("job-q", "gpt-4o-mini", "hi"), 1, 0,
                (u, t) -> BigDecimal.ONE).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(outcome.succeeded()).isTrue();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!quotas.pausedUntil(DEPLOYMENT, PROVIDER).isAfter(before.plusSeconds(39)) && System.nanoTime() < until) {
            Thread.sleep(5); // the pause is recorded off the event loop
        }
        assertThat(quotas.pausedUntil(DEPLOYMENT, PROVIDER)).isAfter(before.plusSeconds(39));
        quotas.close();
    }

    @Test
    void a_permanent_error_ends_the_job_at_once() throws Exception {
        ScriptedProvider provider = new ScriptedProvider(error(ErrorType.INVALID_REQUEST, 400), ok());

        CallOutcome outcome = run(provider);

        assertThat(outcome.succeeded()).isFalse();
        assertThat(provider.calls).isEqualTo(1);
        assertThat(outcome.error().type()).isEqualTo(ErrorType.INVALID_REQUEST);
        assertThat(outcome.attempts()).hasSize(1);
    }

    @Test
    void gives_up_after_the_policys_attempts_with_the_last_error() throws Exception {
        ScriptedProvider provider = new ScriptedProvider(error(ErrorType.OVERLOADED, 503), error(ErrorType.TIMEOUT, null));

        CallOutcome outcome = run(provider);

        assertThat(provider.calls).isEqualTo(POLICY.maxAttempts());
        assertThat(outcome.attempts()).hasSize(4).allSatisfy(a -> assertThat(a.billed()).isFalse());
        assertThat(outcome.error().type()).isEqualTo(ErrorType.TIMEOUT);
    }

    @Test
    void an_adapter_bug_is_an_internal_error_not_retried() throws Exception {
        ScriptedProvider provider = new ScriptedProvider(() -> {
            throw new IllegalStateException("bug");
        });

        CallOutcome outcome = run(provider);

        assertThat(provider.calls).isEqualTo(1);
        assertThat(outcome.error().type()).isEqualTo(ErrorType.INTERNAL);
        assertThat(outcome.error().message()).contains("bug");
    }

    @Test
    void a_halted_worker_starts_no_further_attempt() {
        AtomicBoolean running = new AtomicBoolean(true);
        ScriptedProvider provider = new ScriptedProvider(() -> {
            running.set(false);
            return error(ErrorType.SERVER_ERROR, 500).get();
        });

        assertThatThrownBy(() -> run(provider, running)).isInstanceOf(ExecutionException.class).hasMessageContaining("halted");
        assertThat(provider.calls).isEqualTo(1);
    }
}
