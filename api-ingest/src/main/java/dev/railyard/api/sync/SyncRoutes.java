package dev.railyard.api.sync;

import dev.railyard.api.http.ApiException;
import dev.railyard.api.http.HttpJson;
import dev.railyard.api.http.TenantResolver;
import dev.railyard.api.jobs.JobRequestReader;
import dev.railyard.api.jobs.JobSubmission;
import dev.railyard.api.jobs.Priority;
import dev.railyard.schema.event.Endpoint;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/embeddings}, answered as OpenAI would: the body becomes an
 * interactive job on the same path as {@code POST /v1/jobs} (validation, routing, budgets, retries, fallbacks),
 * and the request waits for its outcome: 200 with the response body, or the OpenAI error shape with a status
 * chosen by the error's type ({@link ErrorStatus}). Every answer about a job carries {@code x-railyard-job-id};
 * after the configured wait the answer is 504 and the job goes on, readable at {@code GET /v1/jobs/{id}}.
 */
public final class SyncRoutes {
    public static final String JOB_ID_HEADER = "x-railyard-job-id";

    private final JobRequestReader reader;
    private final JobSubmission submission;
    private final SyncResults results;
    private final HttpJson json;
    private final TenantResolver tenants;
    private final Duration wait;

    public SyncRoutes(JobRequestReader reader, JobSubmission submission, SyncResults results, HttpJson json,
                      TenantResolver tenants, Duration wait) {
        this.reader = reader;
        this.submission = submission;
        this.results = results;
        this.json = json;
        this.tenants = tenants;
        this.wait = wait;
    }

    public void mount(Router router, BodyHandler bodies) {
        router.post(Endpoint.CHAT_COMPLETIONS.path()).handler(bodies).handler(ctx -> answer(ctx, Endpoint.CHAT_COMPLETIONS));
        router.post(Endpoint.EMBEDDINGS.path()).handler(bodies).handler(ctx -> answer(ctx, Endpoint.EMBEDDINGS));
    }

    private void answer(RoutingContext ctx, Endpoint endpoint) {
        String tenant = tenants.tenant(ctx);
        byte[] bytes = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        AtomicReference<String> jobId = new AtomicReference<>();
        AtomicReference<CompletableFuture<Finished>> outcome = new AtomicReference<>();
        submission.submit(tenant, tenants.apiKeyId(ctx), () -> reader.readOpenAi(endpoint.path(), bytes, Priority.INTERACTIVE), job -> {
                    outcome.set(results.register(job.id()));
                    jobId.set(job.id());
                }, ctx.request()::getHeader)
                .compose(job -> {
                    ctx.response().putHeader(JOB_ID_HEADER, job.id());
                    ctx.response().closeHandler(closed -> results.forget(job.id())); // the caller hung up
                    return results.await(tenant, job.id(), outcome.get(), wait);
                })
                .compose(finished -> finished.succeeded()
                        ? ctx.response().setStatusCode(200).putHeader("content-type", HttpJson.JSON).end(finished.responseJson())
                        : Future.failedFuture(failure(finished)))
                .onFailure(e -> {
                    String id = jobId.get();
                    if (id != null) {
                        results.forget(id);
                        if (!ctx.response().headWritten()) {
                            ctx.response().putHeader(JOB_ID_HEADER, id);
                        }
                    }
                    ctx.fail(id == null ? e : unanswered(id, e));
                });
    }

    private static ApiException failure(Finished finished) {
        String code = finished.error() == null ? "internal" : finished.error().code();
        String message = finished.error() == null ? "the job ended " + finished.state() + " without a response" : finished.error().message();
        return new ApiException(ErrorStatus.of(code), code, null, message + " (job " + finished.jobId() + ")");
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Why a request about a queued job ends without the job's outcome. */
    private ApiException unanswered(String jobId, Throwable e) {
        if (e instanceof ApiException api) {
            return api;
        }
        if (e instanceof TimeoutException) {
            return new ApiException(504, "sync_timeout", null, "job " + jobId + " did not finish within " + describe(wait)
                    + "; it goes on, and GET /v1/jobs/" + jobId + " shows its result when it does");
        }
        return new ApiException(503, "results_unavailable", null, "the outcome of job " + jobId
                + " cannot be awaited (" + e.getMessage() + "); GET /v1/jobs/" + jobId + " shows it when it is done");
    }
}
