package dev.railyard.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.railyard.config.Deployment;
import dev.railyard.config.RailyardConfig;
import dev.railyard.kafka.DeadLetters;
import dev.railyard.kafka.RecordHandler;
import dev.railyard.kafka.Sends;
import dev.railyard.kafka.trace.JobMdc;
import dev.railyard.kafka.trace.JobTracing;
import dev.railyard.kafka.trace.TraceAttributes;
import dev.railyard.provider.lanes.JobLanes;
import dev.railyard.provider.metrics.ProviderMeters;
import dev.railyard.schema.Delays;
import dev.railyard.schema.DispatchRecords;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Headers;
import dev.railyard.schema.MalformedEventException;
import dev.railyard.schema.Topics;
import dev.railyard.schema.db.BatchCancellations;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobDispatched;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.event.RailyardEvent;
import dev.railyard.schema.event.Usage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.vertx.core.Vertx;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dispatch record → provider calls (with retries) → one result on {@code railyard.jobs.results},
 * plus a dead letter when the job failed. The returned stage completes only once Kafka has
 * acknowledged everything, so the record's offset is committed only after its effects are durable.
 * Each record is handled in a "dispatch" span (the child of the context it arrived with), with a span per
 * provider call under it ({@link AttemptSpans}); what it produces carries the dispatch span on.
 */
final class DispatchHandler implements RecordHandler {
    static final String STAGE = "provider-worker";
    private static final Logger log = LoggerFactory.getLogger(DispatchHandler.class);
    /** Prompts, completions and provider error bodies: off unless RAILYARD_LOG_PAYLOADS=true (docs/observability.md). */
    private static final Logger payloads = LoggerFactory.getLogger("railyard.payloads");

    private final RailyardConfig config;
    private final Map<String, ? extends ProviderAdapter> adapters;
    private final AttemptLoop attempts;
    private final Producer<byte[], byte[]> producer;
    private final DeadLetters deadLetters;
    private final EventCodec codec;
    private final Vertx vertx;
    private final Clock clock;
    private final Fallbacks fallbacks;
    private final BatchCancellations cancellations;
    private final ProviderMeters meters;
    private final JobTracing tracing;
    private final AttemptSpans attemptSpans;
    private final JobLanes lanes;

    /** @param adapters the adapter of each provider, by provider name */
    DispatchHandler(RailyardConfig config, Map<String, ? extends ProviderAdapter> adapters, AttemptLoop attempts,
                    Producer<byte[], byte[]> producer, DeadLetters deadLetters, EventCodec codec, Vertx vertx, Clock clock) {
        this(config, adapters, attempts, producer, deadLetters, codec, vertx, clock, BatchCancellations.none());
    }

    /** @param cancellations batches being cancelled: their jobs that have not called a provider yet end cancelled */
    DispatchHandler(RailyardConfig config, Map<String, ? extends ProviderAdapter> adapters, AttemptLoop attempts,
                    Producer<byte[], byte[]> producer, DeadLetters deadLetters, EventCodec codec, Vertx vertx, Clock clock,
                    BatchCancellations cancellations) {
        this(config, adapters, attempts, producer, deadLetters, codec, vertx, clock, cancellations, ProviderMeters.none(),
                JobTracing.noop(), JobLanes.open(vertx));
    }

    /**
     * @param meters  counts fallbacks (the attempt loop records the calls)
     * @param tracing a span per dispatch and per provider call, in the job's trace carried by the record's headers
     * @param lanes   the event loops jobs run on, each job on one
     */
    DispatchHandler(RailyardConfig config, Map<String, ? extends ProviderAdapter> adapters, AttemptLoop attempts,
                    Producer<byte[], byte[]> producer, DeadLetters deadLetters, EventCodec codec, Vertx vertx, Clock clock,
                    BatchCancellations cancellations, ProviderMeters meters, JobTracing tracing, JobLanes lanes) {
        this.lanes = lanes;
        this.meters = meters;
        this.tracing = tracing;
        this.attemptSpans = new AttemptSpans(tracing);
        this.cancellations = cancellations;
        this.config = config;
        this.adapters = adapters;
        this.attempts = attempts;
        this.producer = producer;
        this.deadLetters = deadLetters;
        this.codec = codec;
        this.vertx = vertx;
        this.clock = clock;
        this.fallbacks = new Fallbacks(config);
    }

    @Override
    public CompletionStage<Void> handle(ConsumerRecord<byte[], byte[]> record) {
        Span span = tracing.consume("dispatch", record);
        CompletionStage<Void> done;
        try {
            done = handle(record, span);
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName()).end();
            throw e;
        }
        return done.whenComplete((ok, error) -> {
            if (error != null) {
                span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
            }
            span.end();
        });
    }

    private CompletionStage<Void> handle(ConsumerRecord<byte[], byte[]> record, Span span) {
        JobDispatched dispatched;
        try {
            dispatched = codec.decode(record.value(), JobDispatched.class);
            if (dispatched.job() == null || dispatched.decision() == null || dispatched.job().jobId() == null) {
                throw new MalformedEventException("dispatch record lacks its job or routing decision");
            }
        } catch (MalformedEventException e) {
            return deadLetters.publish(record, STAGE, ErrorType.MALFORMED_RECORD, e.getMessage(), null).thenApply(m -> null);
        }
        String deploymentId = dispatched.decision().deploymentId();
        TraceAttributes.job(span, dispatched.jobId(), dispatched.job().batchId(), dispatched.job().tenant());
        span.setAttribute(TraceAttributes.DEPLOYMENT, deploymentId);
        Optional<Deployment> deployment = config.deployment(deploymentId);
        ProviderAdapter adapter = deployment.map(d -> adapters.get(d.provider())).orElse(null);
        if (adapter == null) {
            JobError error = JobError.of(ErrorType.NOT_FOUND, "deployment '" + deploymentId + "' is not served by this worker's configuration");
            return publish(record, span, Fallbacks.withPrevious(JobResults.failedWithoutCalling(dispatched.job(), deploymentId,
                    error, clock.instant()).withRouting(dispatched.decision()), dispatched.previousAttemptsOrEmpty()));
        }
        Instant deadline = dispatched.job().deadline();
        Instant now = clock.instant();
        if (deadline != null && !deadline.isAfter(now)) {
            // Never run late silently: a job whose completion window closed while it waited ends as expired.
            return publish(record, span, expired(dispatched, List.of(), BigDecimal.ZERO,
                    JobError.of(ErrorType.TIMEOUT, "deadline " + deadline + " passed before the job started")));
        }
        if (dispatched.previousAttemptsOrEmpty().isEmpty() && cancellations.cancelled(dispatched.job().batchId())) {
            // Its batch is being cancelled and no provider has seen the job: it never starts (docs/batches.md).
            return publish(record, span, cancelled(dispatched));
        }
        AttemptPrice price = AttemptPrice.of(config, deployment.get(), dispatched.job());
        CompletableFuture<Void> done = new CompletableFuture<>();
        int hop = dispatched.decision().hop();
        // A job back from a delay topic keeps counting its tries on this hop.
        int firstTry = 1 + (int) dispatched.previousAttemptsOrEmpty().stream().filter(a -> a.hop() == hop).count();
        long waitMs = remainingDelayMs(record, now);
        // The job runs on one lane, so its attempts, timers and callbacks run in order on one event loop; jobs are
        // spread over the lanes (one per core).
        JobLanes.Lane lane = lanes.take();
        done.whenComplete((ok, error) -> lane.release());
        lane.context().runOnContext(v -> afterDelay(waitMs, () -> attempts
                .run(adapter, deployment.get(), config.providers().get(deployment.get().provider()), dispatched.job(),
                        hop, firstTry, dispatched.decision().estimatedPromptTokens(), price)
                .onComplete(outcome -> {
                    if (outcome.failed()) {
                        done.completeExceptionally(outcome.cause());
                        return;
                    }
                    CallOutcome o = outcome.result();
                    attemptSpans.record(span, dispatched.job(), o.attempts());
                    CompletableFuture<Void> published;
                    if (o.expired()) {
                        published = publish(record, span, expired(dispatched, o.attempts(), Attempts.billedCost(o.attempts()), o.error()));
                    } else if (o.parked()) {
                        span.setAttribute(TraceAttributes.OUTCOME, "parked");
                        published = park(record, span, dispatched, o);
                    } else {
                        JobResult result = JobResults.of(dispatched.job(), deploymentId, o, clock.instant())
                                .withRouting(dispatched.decision()); // why it ran here, shown on GET /v1/jobs/{id}
                        Optional<JobDispatched> fallback = result.outcome() == Outcome.FAILED
                                ? fallbacks.next(dispatched, result, clock.instant()) : Optional.empty();
                        fallback.ifPresent(f -> meters.fallback(deploymentId, result.error().type()));
                        published = fallback.isPresent()
                                ? reroute(span, fallback.get())
                                : publish(record, span, Fallbacks.withPrevious(result, dispatched.previousAttemptsOrEmpty()));
                    }
                    published.whenComplete((ok, error) -> {
                        if (error != null) {
                            done.completeExceptionally(error);
                        } else {
                            done.complete(null);
                        }
                    });
                })));
        return done;
    }

    private void afterDelay(long ms, Runnable then) {
        if (ms <= 0) {
            then.run();
        } else {
            vertx.setTimer(ms, id -> then.run());
        }
    }

    /** What is left of a delay a record came back from a delay topic with (the last seconds are ours to wait). */
    private static long remainingDelayMs(ConsumerRecord<byte[], byte[]> record, Instant now) {
        Header due = record.headers().lastHeader(Delays.DUE);
        if (due == null) {
            return 0;
        }
        try {
            long ms = Long.parseLong(new String(due.value(), StandardCharsets.UTF_8)) - now.toEpochMilli();
            return Math.min(Math.max(0, ms), Delays.TIERS.get(0).toMillis());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The job waits on a delay topic for its next try (a long Retry-After or backoff), carrying the attempts so
     * far; complete when Kafka acknowledged it, so this record's offset can be committed.
     */
    private CompletableFuture<Void> park(ConsumerRecord<byte[], byte[]> record, Span span, JobDispatched dispatched, CallOutcome o) {
        List<Attempt> carried = new ArrayList<>(dispatched.previousAttemptsOrEmpty());
        carried.addAll(o.attempts());
        JobDispatched parked = new JobDispatched(RailyardEvent.CURRENT_SCHEMA_VERSION, UUID.randomUUID().toString(),
                dispatched.jobId(), clock.instant(), dispatched.job(), dispatched.decision(), List.copyOf(carried));
        Duration tier = Delays.tierFor(o.retryIn()).orElse(Delays.TIERS.get(0));
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(Delays.topic(tier), null, record.key(), codec.encode(parked));
        for (Header h : record.headers()) {
            if (!h.key().equals(Delays.DUE) && !h.key().equals(Delays.TARGET)) {
                out.headers().add(h);
            }
        }
        out.headers().add(Delays.DUE, Long.toString(clock.instant().plus(o.retryIn()).toEpochMilli()).getBytes(StandardCharsets.UTF_8));
        out.headers().add(Delays.TARGET, Topics.dispatch(dispatched.decision().provider()).getBytes(StandardCharsets.UTF_8));
        tracing.inject(span, out);
        return Sends.send(producer, out).thenApply(m -> null);
    }

    /** The job ends expired: its deadline passed before it could (finish) running; earlier attempts are kept. */
    private JobResult expired(JobDispatched dispatched, List<Attempt> attempts, BigDecimal cost, JobError error) {
        JobResult expired = new JobResult(RailyardEvent.CURRENT_SCHEMA_VERSION, UUID.randomUUID().toString(),
                dispatched.job().jobId(), clock.instant(), dispatched.job().tenant(), dispatched.job().batchId(),
                dispatched.job().customId(), dispatched.job().endpoint(), Outcome.EXPIRED, dispatched.job().model(),
                dispatched.decision().deploymentId(), null, Usage.NONE, cost, 0, null, attempts, error, dispatched.decision());
        return Fallbacks.withPrevious(expired, dispatched.previousAttemptsOrEmpty());
    }

    /** The job ends cancelled before any call; the router's reservation is released when the result is recorded. */
    private JobResult cancelled(JobDispatched dispatched) {
        return new JobResult(RailyardEvent.CURRENT_SCHEMA_VERSION, UUID.randomUUID().toString(),
                dispatched.job().jobId(), clock.instant(), dispatched.job().tenant(), dispatched.job().batchId(),
                dispatched.job().customId(), dispatched.job().endpoint(), Outcome.CANCELLED, dispatched.job().model(),
                dispatched.decision().deploymentId(), null, Usage.NONE, BigDecimal.ZERO, 0, null, List.of(), null,
                dispatched.decision());
    }

    /** The job's next hop, on its fallback deployment's dispatch topic; complete when Kafka acknowledged it. */
    private CompletableFuture<Void> reroute(Span span, JobDispatched next) {
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(Topics.dispatch(next.decision().provider()), null,
                DispatchRecords.key(next.job()), codec.encode(next));
        DispatchRecords.headers(next.job()).forEach(out.headers()::add);
        span.setAttribute(TraceAttributes.OUTCOME, "fallback");
        try (JobMdc m = JobMdc.of(next.jobId(), next.job().batchId(), next.job().tenant(), span.getSpanContext())) {
            log.info("falling back to {} (hop {})", next.decision().deploymentId(), next.decision().hop());
        }
        tracing.inject(span, out);
        return Sends.send(producer, out).thenApply(m -> null);
    }

    /** The result, and for a failed job also its dead letter; complete when Kafka acknowledged both. */
    private CompletableFuture<Void> publish(ConsumerRecord<byte[], byte[]> record, Span span, JobResult result) {
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(Topics.JOBS_RESULTS, null,
                result.jobId().getBytes(StandardCharsets.UTF_8), codec.encode(result));
        if (result.tenant() != null) {
            out.headers().add(Headers.TENANT, result.tenant().getBytes(StandardCharsets.UTF_8));
        }
        tracing.inject(span, out);
        ended(span, result);
        CompletableFuture<?> sent = Sends.send(producer, out);
        if (result.outcome() != Outcome.FAILED) {
            return sent.thenApply(m -> null);
        }
        JobError error = result.error();
        String reason = error.type().code() + ": " + error.message()
                + (error.httpStatus() == null ? "" : " (HTTP " + error.httpStatus() + ")")
                + " after " + result.attempts().size() + " attempt(s)";
        CompletableFuture<?> dead = deadLetters.publish(record, STAGE, error.type(), reason, attemptsJson(result));
        return CompletableFuture.allOf(sent, dead);
    }

    /**
     * The job's outcome on its span and in the log. The log line names the error's type, status and our message;
     * the provider's body (which may echo the request) and the answer go to the payload logger only.
     */
    private static void ended(Span span, JobResult result) {
        span.setAttribute(TraceAttributes.OUTCOME, result.outcome().name().toLowerCase(java.util.Locale.ROOT));
        JobError error = result.error();
        if (error != null) {
            span.setAttribute(TraceAttributes.ERROR_TYPE, error.type().code());
        }
        try (JobMdc m = JobMdc.of(result.jobId(), result.batchId(), result.tenant(), span.getSpanContext())) {
            int attempts = result.attempts() == null ? 0 : result.attempts().size();
            if (result.outcome() == Outcome.SUCCEEDED) {
                log.debug("succeeded on {} after {} attempt(s)", result.deploymentId(), attempts);
                payloads.debug("response: {}", result.response());
            } else if (error != null) {
                log.info("{} on {} after {} attempt(s): {}{}", result.outcome(), result.deploymentId(), attempts,
                        error.type().code(), error.httpStatus() == null ? "" : " (HTTP " + error.httpStatus() + ")");
                payloads.debug("provider error: {} body: {}", error.message(), error.providerBody());
            } else {
                log.info("{} on {} after {} attempt(s)", result.outcome(), result.deploymentId(), attempts);
            }
        }
    }

    private String attemptsJson(JobResult result) {
        try {
            return codec.mapper().writeValueAsString(result.attempts());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
