package dev.railyard.router;

import dev.railyard.kafka.BatchHandler;
import dev.railyard.kafka.DeadLetters;
import dev.railyard.kafka.Sends;
import dev.railyard.kafka.trace.JobMdc;
import dev.railyard.kafka.trace.JobTracing;
import dev.railyard.kafka.trace.TraceAttributes;
import dev.railyard.router.budget.BudgetStoreException;
import dev.railyard.router.budget.Reservation;
import dev.railyard.router.budget.Reservations;
import dev.railyard.router.policy.Route;
import dev.railyard.router.policy.RoutingPolicy;
import dev.railyard.schema.DispatchRecords;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Headers;
import dev.railyard.schema.MalformedEventException;
import dev.railyard.schema.Topics;
import dev.railyard.schema.db.BatchCancellations;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobDispatched;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.event.RailyardEvent;
import dev.railyard.schema.event.Usage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
 * Routes one polled batch of submitted jobs: each record becomes a dispatch, a failed result, an
 * expired result (its deadline passed before routing), a cancelled result (its batch is being cancelled), a rejected
 * result (a budget cannot hold it), a held job (a
 * defer budget cannot hold it yet; nothing is sent), or a dead letter (or a failed result and a dead letter). The
 * batch completes when every record it produced is acknowledged, so offsets are committed only after that.
 * Each record is handled in a "route" span, the child of the trace context it arrived with; what it produces
 * carries that span on (docs/observability.md).
 */
final class RouterHandler implements BatchHandler {
    static final String STAGE = "router";
    private static final Logger log = LoggerFactory.getLogger(RouterHandler.class);

    private final RoutingPolicy policy;
    private final SubmissionCheck check;
    private final EventCodec codec;
    private final Producer<byte[], byte[]> producer;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final DecisionCounter decisions;
    private final Reservations reservations;
    private final BatchCancellations cancellations;
    private final JobTracing tracing;

    RouterHandler(RoutingPolicy policy, SubmissionCheck check, EventCodec codec, Producer<byte[], byte[]> producer,
                  DeadLetters deadLetters, Clock clock) {
        this(policy, check, codec, producer, deadLetters, clock, DecisionCounter.none());
    }

    RouterHandler(RoutingPolicy policy, SubmissionCheck check, EventCodec codec, Producer<byte[], byte[]> producer,
                  DeadLetters deadLetters, Clock clock, DecisionCounter decisions) {
        this(policy, check, codec, producer, deadLetters, clock, decisions, Reservations.none());
    }

    RouterHandler(RoutingPolicy policy, SubmissionCheck check, EventCodec codec, Producer<byte[], byte[]> producer,
                  DeadLetters deadLetters, Clock clock, DecisionCounter decisions, Reservations reservations) {
        this(policy, check, codec, producer, deadLetters, clock, decisions, reservations, BatchCancellations.none());
    }

    RouterHandler(RoutingPolicy policy, SubmissionCheck check, EventCodec codec, Producer<byte[], byte[]> producer,
                  DeadLetters deadLetters, Clock clock, DecisionCounter decisions, Reservations reservations,
                  BatchCancellations cancellations) {
        this(policy, check, codec, producer, deadLetters, clock, decisions, reservations, cancellations, JobTracing.noop());
    }

    RouterHandler(RoutingPolicy policy, SubmissionCheck check, EventCodec codec, Producer<byte[], byte[]> producer,
                  DeadLetters deadLetters, Clock clock, DecisionCounter decisions, Reservations reservations,
                  BatchCancellations cancellations, JobTracing tracing) {
        this.tracing = tracing;
        this.cancellations = cancellations;
        this.policy = policy;
        this.check = check;
        this.codec = codec;
        this.producer = producer;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.decisions = decisions;
        this.reservations = reservations;
    }

    @Override
    public CompletionStage<Void> handle(List<ConsumerRecord<byte[], byte[]>> records) {
        List<CompletableFuture<?>> sends = new ArrayList<>(records.size());
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                sends.add(traced(record));
            }
        } catch (BudgetStoreException e) {
            // Not the job's fault: fail the batch once its sends settle, so the loop retries it from its first
            // offsets. Reservations are idempotent per job, so the jobs routed already are not charged twice.
            return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .handle((ignored, t) -> null)
                    .thenCompose(ignored -> CompletableFuture.failedFuture(e));
        }
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new));
    }

    /**
     * Routes one record in its span, current while the record's sends are made (so {@link #send} injects it), and
     * ended when they are acknowledged.
     */
    private CompletableFuture<?> traced(ConsumerRecord<byte[], byte[]> record) {
        Span span = tracing.consume("route", record);
        List<CompletableFuture<?>> sends;
        try (Scope ignored = span.makeCurrent()) {
            sends = route(record);
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName()).end();
            throw e;
        }
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> {
            if (error != null) {
                span.setStatus(StatusCode.ERROR, "send failed");
            }
            span.end();
        });
    }

    private List<CompletableFuture<?>> route(ConsumerRecord<byte[], byte[]> record) {
        JobSubmitted job;
        try {
            job = codec.decode(record.value(), JobSubmitted.class);
        } catch (MalformedEventException e) {
            Span.current().setAttribute(TraceAttributes.OUTCOME, "dead_letter");
            return List.of(deadLetters.publish(record, STAGE, ErrorType.MALFORMED_RECORD, e.getMessage(), null));
        }
        if (job.jobId() == null || job.jobId().isBlank()) {
            Span.current().setAttribute(TraceAttributes.OUTCOME, "dead_letter");
            return List.of(deadLetters.publish(record, STAGE, ErrorType.MALFORMED_RECORD, "job_id is missing", null));
        }
        TraceAttributes.job(Span.current(), job.jobId(), job.batchId(), tenant(record, job));
        try {
            return switch (check.check(job)) {
                case SubmissionCheck.Invalid invalid -> List.of(
                        publish(record, job, Topics.JOBS_RESULTS, failed(record, job, JobError.of(ErrorType.INVALID_REQUEST, invalid.describe()))),
                        deadLetters.publish(record, STAGE, ErrorType.INVALID_REQUEST, invalid.describe(), null));
                case SubmissionCheck.Valid valid -> List.of(dispatch(record, valid.job()));
            };
        } catch (BudgetStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            // A bug must not stall the partition or leave the job without a terminal state.
            String reason = "router failed: " + e;
            return List.of(
                    publish(record, job, Topics.JOBS_RESULTS, failed(record, job, JobError.of(ErrorType.INTERNAL, reason))),
                    deadLetters.publish(record, STAGE, ErrorType.INTERNAL, reason, null));
        }
    }

    private CompletableFuture<?> dispatch(ConsumerRecord<byte[], byte[]> record, JobSubmitted job) {
        if (cancellations.cancelled(job.batchId())) {
            // Its batch is being cancelled and the job has not started: it never will (docs/batches.md).
            return publish(record, job, Topics.JOBS_RESULTS, terminal(record, job, Outcome.CANCELLED, null));
        }
        if (job.deadline() != null && !clock.instant().isBefore(job.deadline())) {
            // A job must never run late silently: it ends here, before any provider sees it.
            decisions.expired();
            return publish(record, job, Topics.JOBS_RESULTS, terminal(record, job, Outcome.EXPIRED,
                    JobError.of(ErrorType.TIMEOUT, "deadline " + job.deadline() + " passed before the job started")));
        }
        Route route = policy.decide(job);
        decisions.decided(route);
        return switch (route) {
            case Route.Routed routed -> reserveAndDispatch(record, job, routed);
            case Route.Unroutable unroutable -> publish(record, job, Topics.JOBS_RESULTS, failed(record, job, unroutable.error()));
        };
    }

    /**
     * Holds the job's worst-case cost on its budgets, then dispatches; a reject budget that cannot hold it rejects the
     * job, a defer budget holds it (in the budget store, released later by the DeferralRelease) and nothing is sent.
     */
    private CompletableFuture<?> reserveAndDispatch(ConsumerRecord<byte[], byte[]> record, JobSubmitted job, Route.Routed routed) {
        Span.current().setAttribute(TraceAttributes.DEPLOYMENT, routed.decision().deploymentId())
                .setAttribute(TraceAttributes.GEN_AI_PROVIDER, routed.decision().provider())
                .setAttribute(TraceAttributes.GEN_AI_REQUEST_MODEL, routed.decision().providerModel());
        return switch (reservations.reserve(job, tenant(record, job), record.key(), routed.decision())) {
            case Reservation.Reserved reserved -> publishDispatch(record, job, new JobDispatched(RailyardEvent.CURRENT_SCHEMA_VERSION,
                    UUID.randomUUID().toString(), job.jobId(), clock.instant(), job, routed.decision()));
            case Reservation.Rejected rejected -> publish(record, job, Topics.JOBS_RESULTS, terminal(record, job, Outcome.REJECTED,
                    JobError.of(ErrorType.BUDGET_EXCEEDED, rejected.reason())).withRouting(routed.decision()));
            case Reservation.Deferred deferred -> {
                // Held in the budget store; the release sends it on later, outside this trace.
                Span.current().setAttribute(TraceAttributes.OUTCOME, "deferred");
                yield CompletableFuture.completedFuture(null);
            }
        };
    }

    private JobResult failed(ConsumerRecord<byte[], byte[]> record, JobSubmitted job, JobError error) {
        return terminal(record, job, Outcome.FAILED, error);
    }

    private JobResult terminal(ConsumerRecord<byte[], byte[]> record, JobSubmitted job, Outcome outcome, JobError error) {
        String model = job.model() != null ? job.model()
                : job.body() != null && job.body().path("model").isTextual() ? job.body().path("model").asText() : null;
        return new JobResult(RailyardEvent.CURRENT_SCHEMA_VERSION, UUID.randomUUID().toString(), job.jobId(),
                clock.instant(), tenant(record, job), job.batchId(), job.customId(), job.endpoint(), outcome,
                model, null, null, Usage.NONE, BigDecimal.ZERO, 0, null, List.of(), error);
    }

    private CompletableFuture<?> publish(ConsumerRecord<byte[], byte[]> record, JobSubmitted job, String topic, Object event) {
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null,
                job.jobId().getBytes(StandardCharsets.UTF_8), codec.encode(event));
        String tenant = tenant(record, job);
        if (event instanceof JobResult result) {
            ended(job, tenant, result);
        }
        if (tenant != null) {
            out.headers().add(Headers.TENANT, tenant.getBytes(StandardCharsets.UTF_8));
        }
        return send(record, out);
    }

    /**
     * Keyed by tenant (spread over a few partitions) rather than job id, with the tenant and priority headers
     * the provider workers' fair scheduler reads (docs/fairness.md).
     */
    private CompletableFuture<?> publishDispatch(ConsumerRecord<byte[], byte[]> record, JobSubmitted job, JobDispatched dispatched) {
        String tenant = tenant(record, job);
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(Topics.dispatch(dispatched.decision().provider()), null,
                DispatchRecords.key(tenant, job.priority()), codec.encode(dispatched));
        DispatchRecords.headers(tenant, job.priority()).forEach(out.headers()::add);
        Span.current().setAttribute(TraceAttributes.OUTCOME, "dispatched");
        if (log.isDebugEnabled()) {
            try (JobMdc m = JobMdc.of(job.jobId(), job.batchId(), tenant, Span.current().getSpanContext())) {
                log.debug("routed to {} ({})", dispatched.decision().deploymentId(), dispatched.decision().reason());
            }
        }
        return send(record, out);
    }

    /** A job the router ends itself: on its span, and in the log (the error's type and our own message, never the request). */
    private static void ended(JobSubmitted job, String tenant, JobResult result) {
        Span span = Span.current();
        span.setAttribute(TraceAttributes.OUTCOME, result.outcome().name().toLowerCase(java.util.Locale.ROOT));
        if (result.error() != null) {
            span.setAttribute(TraceAttributes.ERROR_TYPE, result.error().type().code());
        }
        try (JobMdc m = JobMdc.of(job.jobId(), job.batchId(), tenant, span.getSpanContext())) {
            log.info("job ended by the router: {}{}", result.outcome(),
                    result.error() == null ? "" : " (" + result.error().type().code() + ": " + result.error().message() + ")");
        }
    }

    /** Sends with the current span (the record's "route" span) as the trace context. */
    private CompletableFuture<?> send(ConsumerRecord<byte[], byte[]> record, ProducerRecord<byte[], byte[]> out) {
        tracing.inject(Span.current(), out);
        return Sends.send(producer, out);
    }

    /** The tenant header as the producer set it; the job's tenant field when the header is missing. */
    private static String tenant(ConsumerRecord<byte[], byte[]> record, JobSubmitted job) {
        Header h = record.headers().lastHeader(Headers.TENANT);
        return h != null && h.value() != null ? new String(h.value(), StandardCharsets.UTF_8) : job.tenant();
    }
}
