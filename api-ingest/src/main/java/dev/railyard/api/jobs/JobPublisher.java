package dev.railyard.api.jobs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.railyard.kafka.trace.JobTracing;
import dev.railyard.kafka.trace.TraceAttributes;
import dev.railyard.schema.DispatchRecords;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Headers;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.RailyardEvent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Produces one {@code JobSubmitted} per stored job to {@code railyard.jobs.submitted}, keyed by job id with
 * the tenant header. All records are handed to the producer at once (it batches them); the returned future
 * completes from the producer's callbacks once every record is acknowledged or failed.
 *
 * <p>Each job's record starts the job's trace: a root span "job accepted" whose context goes out in the record's
 * headers; a batch's jobs each get their own trace, linked to the batch's span (docs/observability.md).
 *
 * <p>Call off the event loop: {@code send} blocks while the producer fetches topic metadata.
 */
public final class JobPublisher {
    private final Producer<byte[], byte[]> producer;
    private final EventCodec codec;
    private final Clock clock;
    private final JobTracing tracing;

    public JobPublisher(Producer<byte[], byte[]> producer, EventCodec codec, Clock clock) {
        this(producer, codec, clock, JobTracing.noop());
    }

    public JobPublisher(Producer<byte[], byte[]> producer, EventCodec codec, Clock clock, JobTracing tracing) {
        this.producer = producer;
        this.codec = codec;
        this.clock = clock;
        this.tracing = tracing;
    }

    /** A batch's own span (a root): each of its jobs' traces links to it. The caller ends it. */
    public Span batchSpan(String batchId, String tenant) {
        return TraceAttributes.job(tracing.span("batch accepted"), null, batchId, tenant).setNoParent().startSpan();
    }

    /** Which jobs could not be published (and the first reason); empty when all were acknowledged. */
    public record Report(List<String> failedJobIds, Throwable firstError) {
        public boolean ok() {
            return failedJobIds.isEmpty();
        }
    }

    public CompletableFuture<Report> publish(List<NewJob> jobs) {
        return publish(jobs, SpanContext.getInvalid());
    }

    /** As {@link #publish(List)}, each job's trace linked to {@code caller} (the span a client sent), if valid. */
    public CompletableFuture<Report> publish(List<NewJob> jobs, SpanContext caller) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(jobs.size());
        for (NewJob job : jobs) {
            records.add(record(job, caller));
        }
        return send(records);
    }

    /** The span a client's request headers name ({@code traceparent}); invalid when they name none. */
    public SpanContext caller(Function<String, String> header) {
        return tracing.caller(header);
    }

    /** Sends records made by {@link #record}; a failed record is reported by its job id (header). */
    public CompletableFuture<Report> send(List<ProducerRecord<byte[], byte[]>> records) {
        CompletableFuture<Report> done = new CompletableFuture<>();
        if (records.isEmpty()) {
            done.complete(new Report(List.of(), null));
            return done;
        }
        AtomicInteger remaining = new AtomicInteger(records.size());
        Queue<String> failed = new ConcurrentLinkedQueue<>();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        for (ProducerRecord<byte[], byte[]> record : records) {
            String jobId = new String(record.headers().lastHeader(Headers.JOB_ID).value(), StandardCharsets.UTF_8);
            Callback callback = (metadata, error) -> {
                if (error != null) {
                    failed.add(jobId);
                    firstError.compareAndSet(null, error);
                }
                if (remaining.decrementAndGet() == 0) {
                    done.complete(new Report(List.copyOf(failed), firstError.get()));
                }
            };
            try {
                producer.send(record, callback);
            } catch (RuntimeException e) {
                callback.onCompletion(null, e);
            }
        }
        return done;
    }

    /**
     * The {@code JobSubmitted} record of a job, encoded; building records is CPU work worth doing while
     * the database is busy, before the jobs are committed and may be sent.
     */
    public ProducerRecord<byte[], byte[]> record(NewJob job) {
        return record(job, null);
    }

    /**
     * As {@link #record(NewJob)}, the job's trace linked to {@code link}: its batch's span, or the span of the client
     * that sent it (null or invalid for none). The client's trace is linked, not continued: one trace per job.
     */
    public ProducerRecord<byte[], byte[]> record(NewJob job, SpanContext link) {
        JobSubmitted event = new JobSubmitted(
                RailyardEvent.CURRENT_SCHEMA_VERSION,
                UUID.randomUUID().toString(),
                job.id(),
                clock.instant(),
                job.tenant(),
                job.batchId(),
                job.customId(),
                job.lineNumber(),
                job.endpoint(),
                job.model(),
                // The client's bytes go out as they came in: no second parse and serialise per job.
                JsonNodeFactory.instance.rawValueNode(new RawValue(job.requestJson())),
                job.priority(),
                job.deadline(),
                job.metadata() == null || job.metadata().isEmpty() ? null : job.metadata(),
                job.callbackUrl(),
                job.apiKeyId());
        // Keyed by tenant and priority class, like dispatch records: the router reads a big batch's partition
        // and everyone else's side by side, instead of everyone's jobs queued behind the batch (docs/fairness.md).
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(Topics.JOBS_SUBMITTED,
                DispatchRecords.key(job.tenant(), job.priority()), codec.encode(event));
        DispatchRecords.headers(job.tenant(), job.priority()).forEach(record.headers()::add);
        record.headers().add(Headers.JOB_ID, job.id().getBytes(StandardCharsets.UTF_8));
        // One trace per job, however many jobs a request brought: the job's span is a root, and only linked to the batch.
        SpanBuilder accepted = TraceAttributes.job(tracing.span("job accepted"), job.id(), job.batchId(), job.tenant())
                .setNoParent()
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute(TraceAttributes.ENDPOINT, job.endpoint())
                .setAttribute(TraceAttributes.MESSAGING_SYSTEM, "kafka")
                .setAttribute(TraceAttributes.MESSAGING_DESTINATION, Topics.JOBS_SUBMITTED);
        if (job.model() != null) {
            accepted.setAttribute(TraceAttributes.GEN_AI_REQUEST_MODEL, job.model());
        }
        if (link != null && link.isValid()) {
            accepted.addLink(link);
        }
        Span span = accepted.startSpan();
        tracing.inject(span, record);
        span.end();
        return record;
    }
}
