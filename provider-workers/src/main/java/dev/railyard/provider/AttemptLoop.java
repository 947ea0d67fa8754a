package dev.railyard.provider;

import dev.railyard.config.Deployment;
import dev.railyard.config.ProviderConfig;
import dev.railyard.config.RetryPolicy;
import dev.railyard.provider.metrics.ProviderMeters;
import dev.railyard.provider.ratelimit.Permit;
import dev.railyard.provider.ratelimit.QuotaWaitExpired;
import dev.railyard.provider.ratelimit.Quotas;
import dev.railyard.provider.ratelimit.TokenDemand;
import dev.railyard.provider.retry.Backoff;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.Usage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;

/**
 * Calls a deployment until it answers, a permanent error comes back, or the retry policy's attempts
 * are spent. Waits between attempts are Vert.x timers: no thread sleeps. Every call first waits for
 * its deployment's and provider key's quota ({@link Quotas}); a 429 with Retry-After pauses the
 * deployment for every worker. Every call becomes an {@link Attempt}. Attempts of one job run one after another, each
 * starting from the previous one's callback, so the attempt list needs no locking.
 */
final class AttemptLoop {
    private final Vertx vertx;
    private final RetryPolicy policy;
    private final DoubleSupplier random;
    private final BooleanSupplier running;
    private final Clock clock;
    private final Quotas quotas;
    private final ProviderMeters meters;

    /** @param running false once the worker halts: no further attempts start */
    AttemptLoop(Vertx vertx, RetryPolicy policy, DoubleSupplier random, BooleanSupplier running, Clock clock, Quotas quotas,
                ProviderMeters meters) {
        this.vertx = vertx;
        this.policy = policy;
        this.random = random;
        this.running = running;
        this.clock = clock;
        this.quotas = quotas;
        this.meters = meters;
    }

    /** Recording no meters. */
    AttemptLoop(Vertx vertx, RetryPolicy policy, DoubleSupplier random, BooleanSupplier running, Clock clock, Quotas quotas) {
        this(vertx, policy, random, running, clock, quotas, ProviderMeters.none());
    }

    /** Without shared quotas: only the limits of this JVM apply. */
    AttemptLoop(Vertx vertx, RetryPolicy policy, DoubleSupplier random, BooleanSupplier running, Clock clock) {
        this(vertx, policy, random, running, clock, Quotas.local(clock));
    }

    /**
     * One job on one deployment; {@code hop} numbers the deployment among the job's fallbacks.
     *
     * @param promptTokens the router's prompt estimate (0 when unknown), charged against TPM with the output limit
     */
    Future<CallOutcome> run(ProviderAdapter adapter, Deployment deployment, ProviderConfig provider, JobSubmitted job,
                            int hop, int promptTokens, AttemptPrice price) {
        return run(adapter, deployment, provider, job, hop, 1, promptTokens, price);
    }

    /**
     * As above, continuing at try {@code firstTry} (a job back from a delay topic keeps counting its tries).
     * A retry that must wait {@link RetryPolicy#delayTopicAfter()} or longer ends the run as parked.
     */
    Future<CallOutcome> run(ProviderAdapter adapter, Deployment deployment, ProviderConfig provider, JobSubmitted job,
                            int hop, int firstTry, int promptTokens, AttemptPrice price) {
        Run run = new Run(adapter, deployment, provider, job, hop, promptTokens, price, Promise.promise());
        if (firstTry > policy.maxAttempts()) {
            run.done.fail(new IllegalStateException("try " + firstTry + " is past the policy's " + policy.maxAttempts()));
        } else {
            run.attempt(firstTry);
        }
        return run.done.future();
    }

    private final class Run {
        private final ProviderAdapter adapter;
        private final Deployment deployment;
        private final ProviderConfig provider;
        private final JobSubmitted job;
        private final int hop;
        private final int promptTokens;
        private final long tokens;
        private final AttemptPrice price;
        private final Promise<CallOutcome> done;
        private final List<Attempt> attempts = new ArrayList<>();
        private Instant firstStarted;
        private long firstStartedNanos;

        Run(ProviderAdapter adapter, Deployment deployment, ProviderConfig provider, JobSubmitted job, int hop, int promptTokens,
            AttemptPrice price, Promise<CallOutcome> done) {
            this.adapter = adapter;
            this.deployment = deployment;
            this.provider = provider;
            this.job = job;
            this.hop = hop;
            this.promptTokens = promptTokens;
            this.tokens = TokenDemand.of(job, promptTokens);
            this.price = price;
            this.done = done;
        }

        void attempt(int tryNumber) {
            if (!running.getAsBoolean()) {
                done.fail(new IllegalStateException("provider worker halted before attempt " + tryNumber));
                return;
            }
            quotas.admit(deployment, provider, tokens, job.deadline()).onComplete(admitted -> {
                if (admitted.succeeded()) {
                    call(tryNumber, admitted.result());
                } else if (admitted.cause() instanceof QuotaWaitExpired expired) {
                    done.complete(CallOutcome.expired(attempts, JobError.of(ErrorType.TIMEOUT, expired.getMessage()),
                            firstStarted, firstStarted == null ? 0 : elapsedMs(firstStartedNanos)));
                } else {
                    done.fail(admitted.cause());
                }
            });
        }

        private void call(int tryNumber, Permit permit) {
            if (!running.getAsBoolean()) {
                done.fail(new IllegalStateException("provider worker halted before attempt " + tryNumber));
                return;
            }
            Instant startedAt = clock.instant();
            long started = System.nanoTime();
            if (firstStarted == null) {
                firstStarted = startedAt;
                firstStartedNanos = started;
            }
            Future<ProviderResponse> call;
            try {
                call = adapter.call(deployment, job);
            } catch (RuntimeException e) {
                call = Future.failedFuture(e);
            }
            call.onComplete(response -> finished(tryNumber, permit, startedAt, started, response.result(),
                    response.cause()));
        }

        private void finished(int tryNumber, Permit permit, Instant startedAt, long startedNanos, ProviderResponse answer,
                              Throwable failure) {
            long durationNanos = System.nanoTime() - startedNanos;
            long latencyMs = TimeUnit.NANOSECONDS.toMillis(durationNanos);
            if (failure == null) {
                meters.call(deployment, job.endpoint(), durationNanos, answer.usage(), answer.timeToFirstTokenMs(), null);
                ProviderResponse response = UsageEstimate.filled(answer, job, promptTokens);
                quotas.settle(permit, used(response.usage()));
                if (response.quotaResetIn() != null) {
                    // The provider says this quota is spent: hold every worker until it resets, rather than meet 429s.
                    quotas.pause(deployment, response.quotaResetIn(), "quota used up per the provider's headers");
                }
                attempts.add(Attempts.succeeded(job.jobId(), hop, tryNumber, deployment, startedAt, latencyMs, response, price));
                done.complete(new CallOutcome(attempts, response, null, firstStarted, elapsedMs(firstStartedNanos)));
                return;
            }
            ProviderException error = failure instanceof ProviderException pe ? pe
                    : new ProviderException(JobError.of(ErrorType.INTERNAL, "adapter failed: " + failure), null, failure);
            meters.call(deployment, job.endpoint(), durationNanos, error.answered().map(ProviderResponse::usage).orElse(null),
                    error.answered().map(ProviderResponse::timeToFirstTokenMs).orElse(null), error.error().type());
            Optional<ProviderResponse> answered = error.answered().map(a -> UsageEstimate.filled(a, job, promptTokens));
            answered.ifPresent(a -> quotas.settle(permit, used(a.usage())));
            if (error.error().type() == ErrorType.RATE_LIMITED && error.retryAfter().isPresent()) {
                // The provider's word holds for every worker, not just this job's next try.
                quotas.pause(deployment, error.retryAfter().get(), "429 from " + deployment.id());
            }
            attempts.add(answered
                    .map(a -> Attempts.answeredButFailed(job.jobId(), hop, tryNumber, deployment, startedAt, latencyMs,
                            a, error.error(), price))
                    .orElseGet(() -> Attempts.failed(job.jobId(), hop, tryNumber, deployment, startedAt, latencyMs, error.error())));
            if (error.retryable() && tryNumber < policy.maxAttempts()) {
                meters.retry(deployment, error.error().type());
                Duration delay = Backoff.delay(tryNumber, policy.baseDelay(), policy.maxDelay(),
                        error.retryAfter().orElse(null), random);
                if (delay.compareTo(policy.delayTopicAfter()) >= 0) {
                    // A long wait is Kafka's to hold (a delay topic), not this worker's slot and uncommitted offset.
                    done.complete(CallOutcome.parked(attempts, error.error(), firstStarted, elapsedMs(firstStartedNanos), delay));
                    return;
                }
                vertx.setTimer(Math.max(1, delay.toMillis()), id -> attempt(tryNumber + 1));
                return;
            }
            done.complete(new CallOutcome(attempts, null, error.error(), firstStarted, elapsedMs(firstStartedNanos)));
        }
    }

    private static long used(Usage usage) {
        return usage == null ? 0 : (long) usage.promptTokens() + usage.completionTokens();
    }

    private static long elapsedMs(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }
}
