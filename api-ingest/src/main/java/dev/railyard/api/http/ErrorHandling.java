package dev.railyard.api.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failure leaves as the OpenAI error JSON: unmatched paths (404), wrong methods (405), bodies over
 * the limit (413), {@link ApiException}s and anything unexpected (500, logged with a reference the
 * client sees, never a stack trace in the body).
 */
public final class ErrorHandling {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorHandling.class);
    private final HttpJson json;
    private final long maxBodyBytes;

    public ErrorHandling(HttpJson json, long maxBodyBytes) {
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void install(Router router) {
        router.route().failureHandler(this::onFailure);
        router.errorHandler(404, ctx -> respond(ctx, new ApiException(404, "unknown_url", null,
                "unknown URL: " + ctx.request().method() + " " + ctx.request().path())));
        router.errorHandler(405, ctx -> respond(ctx, new ApiException(405, "method_not_allowed", null,
                ctx.request().method() + " is not allowed on " + ctx.request().path())));
        router.errorHandler(413, this::onFailure);
        router.errorHandler(500, this::onFailure);
    }

    private void onFailure(RoutingContext ctx) {
        respond(ctx, toApiException(ctx.failure(), ctx.statusCode(), ctx));
    }

    private ApiException toApiException(Throwable failure, int status, RoutingContext ctx) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof ApiException api) {
            return api;
        }
        if (status == 413) {
            return new ApiException(413, "request_too_large", null,
                    "request body is larger than the limit of " + maxBodyBytes + " bytes");
        }
        if (status >= 400 && status < 500) {
            return new ApiException(status, "bad_request", null,
                    cause == null || cause.getMessage() == null ? "bad request" : cause.getMessage());
        }
        String reference = UUID.randomUUID().toString();
        LOG.error("unexpected failure on {} {} (reference {})", ctx.request().method(), ctx.request().path(), reference, cause);
        return new ApiException(500, "internal_error", null, "internal error (reference " + reference + ")");
    }

    private void respond(RoutingContext ctx, ApiException e) {
        if (ctx.response().ended()) {
            return;
        }
        if (ctx.response().headWritten()) {
            // A streamed body already started with 200: cutting the connection is the only honest signal left.
            ctx.request().connection().close();
            return;
        }
        json.error(ctx, e);
    }
}
