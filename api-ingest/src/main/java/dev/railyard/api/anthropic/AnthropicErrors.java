package dev.railyard.api.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.api.http.ApiException;
import dev.railyard.api.http.HttpJson;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletionException;

/**
 * Anthropic's error shape, {@code {"type":"error","error":{"type","message"}}}, for failures of the Message Batches
 * routes. Anything that is not an {@link ApiException} goes on to the edge's one failure handler (a logged 500).
 */
final class AnthropicErrors {
    private final HttpJson json;

    AnthropicErrors(HttpJson json) {
        this.json = json;
    }

    void respond(RoutingContext ctx, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (!(cause instanceof ApiException e) || ctx.response().headWritten()) {
            ctx.fail(failure);
            return;
        }
        ObjectNode body = json.mapper().createObjectNode().put("type", "error");
        body.putObject("error").put("type", type(e.status())).put("message", e.getMessage());
        json.send(ctx, e.status(), body);
    }

    /** Anthropic's error type for an HTTP status (https://docs.anthropic.com/en/api/errors). */
    static String type(int status) {
        return switch (status) {
            case 400, 409, 415, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 504 -> "timeout_error";
            case 529 -> "overloaded_error";
            default -> status >= 400 && status < 500 ? "invalid_request_error" : "api_error";
        };
    }
}
