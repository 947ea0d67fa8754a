package dev.railyard.api.jobs;

import dev.railyard.api.Ids;
import dev.railyard.api.http.ApiException;
import dev.railyard.api.http.Blocking;
import io.opentelemetry.api.trace.SpanContext;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one way a single job enters Railyard, for {@code POST /v1/jobs} and the synchronous endpoints alike:
 * read and validate the request, insert the {@code jobs} row, publish {@code JobSubmitted}, and answer once
 * Kafka acknowledged it. A job Kafka refused is recorded as failed, and the caller gets a 503.
 */
public final class JobSubmission {
    private final JobStore store;
    private final JobPublisher publisher;
    private final Blocking blocking;
    private final Ids ids;
    private final Clock clock;

    public JobSubmission(JobStore store, JobPublisher publisher, Blocking blocking, Ids ids, Clock clock) {
        this.store = store;
        this.publisher = publisher;
        this.blocking = blocking;
        this.ids = ids;
        this.clock = clock;
    }

    private record Submitted(NewJob job, JobPublisher.Report report) {
    }

    /**
     * @param apiKeyId      the key the request came with, recorded on the job, or null (the API is open)
     * @param read          reads and validates the request (throws an {@link ApiException}); runs off the event loop
     * @param beforePublish sees the stored job before its record is sent, so whoever waits for the job's result is
     *                      registered before any result can exist; runs off the event loop
     * @return the job once Kafka acknowledged it
     */
    public Future<NewJob> submit(String tenant, String apiKeyId, Callable<JobRequest> read, Consumer<NewJob> beforePublish) {
        return submit(tenant, apiKeyId, read, beforePublish, name -> null);
    }

    /** @param header the request's headers by name: a W3C {@code traceparent} there is linked from the job's trace */
    public Future<NewJob> submit(String tenant, String apiKeyId, Callable<JobRequest> read, Consumer<NewJob> beforePublish,
                                 Function<String, String> header) {
        SpanContext caller = publisher.caller(header);
        // Parsing, the insert and the hand-off to the producer all block; the acks come back on a callback.
        return blocking.run(() -> {
                    NewJob job = newJob(tenant, apiKeyId, read.call());
                    store.insert(job);
                    beforePublish.accept(job);
                    return publisher.publish(List.of(job), caller).thenApply(report -> new Submitted(job, report));
                })
                .compose(blocking::await)
                .compose(submitted -> submitted.report().ok()
                        ? Future.succeededFuture(submitted.job())
                        : unpublished(submitted));
    }

    private Future<NewJob> unpublished(Submitted submitted) {
        String reason = String.valueOf(submitted.report().firstError());
        return blocking.run(() -> {
            store.markUnpublished(submitted.report().failedJobIds(), reason);
            return null;
        }).compose(v -> Future.failedFuture(new ApiException(503, "queue_unavailable", null,
                "job " + submitted.job().id() + " could not be queued (" + reason + "); it is recorded as failed")));
    }

    private NewJob newJob(String tenant, String apiKeyId, JobRequest request) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return new NewJob(ids.jobId(), tenant, null, null, 0, request.endpoint(), request.model(), request.requestJson(),
                request.priority(), request.metadata(), request.callbackUrl(), request.deadline(), now, apiKeyId);
    }
}
