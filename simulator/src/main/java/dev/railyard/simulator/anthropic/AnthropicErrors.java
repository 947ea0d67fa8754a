package dev.railyard.simulator.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.simulator.Ids;
import dev.railyard.simulator.Prepared;
import dev.railyard.simulator.RateLimits;
import dev.railyard.simulator.Reply;
import dev.railyard.simulator.WireErrors;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * Anthropic's error bodies ({@code {"type":"error","error":{"type","message"},"request_id"}}), statuses and
 * headers ({@code request-id}, {@code anthropic-ratelimit-*}, {@code retry-after}).
 */
final class AnthropicErrors implements WireErrors {
    static final int CONTEXT_WINDOW = 200_000;
    /** The limits an injected 429 reports, as a large organisation would see them. */
    private static final long INJECTED_REQUEST_LIMIT = 4_000;

    private final ObjectMapper mapper;
    private final long retryAfterMs;

    AnthropicErrors(ObjectMapper mapper, long retryAfterMs) {
        this.mapper = mapper;
        this.retryAfterMs = retryAfterMs;
    }

    /** {@code req_011C} and 20 base-62 characters, as Anthropic's request ids look. */
    static String requestId() {
        return "req_011C" + Ids.base62(20);
    }

    /** The body carries the same request id as the {@code request-id} header. */
    Reply error(int status, String type, String message) {
        String requestId = requestId();
        ObjectNode root = mapper.createObjectNode();
        root.put("type", "error");
        root.putObject("error").put("type", type).put("message", message);
        root.put("request_id", requestId);
        try {
            return Reply.json(status, mapper.writeValueAsBytes(root)).withHeader("request-id", requestId);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    Reply invalid(String message) {
        return error(400, "invalid_request_error", message);
    }

    Reply missingKey() {
        return error(401, "authentication_error", "x-api-key header is required");
    }

    Reply missingVersion() {
        return invalid("anthropic-version: header is required");
    }

    Reply notFound(String method, String path) {
        return error(404, "not_found_error", "Not Found");
    }

    @Override
    public Reply forStatus(int status, Prepared.Accepted call) {
        return switch (status) {
            case 400 -> invalid("Invalid request (simulated).");
            case 401 -> error(401, "authentication_error", "invalid x-api-key");
            case 403 -> error(403, "permission_error", "Your API key does not have permission to use the specified resource.");
            case 404 -> error(404, "not_found_error", "model: " + call.model());
            case 413 -> error(413, "request_too_large", "Request exceeds the maximum allowed number of bytes.");
            case 429 -> rateLimited(call);
            case 500 -> error(500, "api_error", "Internal server error");
            case 529 -> overloaded(call);
            default -> error(status, status >= 500 ? "api_error" : "invalid_request_error",
                    "Simulated error with status " + status + ".");
        };
    }

    @Override
    public Reply contextLength(Prepared.Accepted call) {
        int tokens = Math.max(call.promptTokens(), call.contextWindow() + 1);
        return invalid("prompt is too long: " + tokens + " tokens > " + call.contextWindow() + " maximum");
    }

    @Override
    public Reply insufficientQuota(Prepared.Accepted call) {
        return invalid("Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to "
                + "upgrade or purchase credits.");
    }

    /** Anthropic has no filter error: the model refuses, in a 200 whose {@code stop_reason} is {@code refusal}. */
    @Override
    public Reply contentFiltered(Prepared.Accepted call, long latencyMs) {
        return call.answer().apply(latencyMs);
    }

    @Override
    public Reply rateLimited(Prepared.Accepted call) {
        Instant reset = Instant.now().plusMillis(retryAfterMs).truncatedTo(ChronoUnit.SECONDS);
        return error(429, "rate_limit_error", "This request would exceed your organization's rate limit of "
                + INJECTED_REQUEST_LIMIT + " requests per minute (org: simulator, model: " + call.model() + "). For details, "
                + "refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current "
                + "usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may "
                + "also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate "
                + "limit increase.")
                .withHeaders(Map.of(
                        "retry-after", Long.toString(Math.max(1, (retryAfterMs + 999) / 1000)),
                        "anthropic-ratelimit-requests-limit", Long.toString(INJECTED_REQUEST_LIMIT),
                        "anthropic-ratelimit-requests-remaining", "0",
                        "anthropic-ratelimit-requests-reset", reset.toString()));
    }

    @Override
    public Reply serverError(Prepared.Accepted call) {
        return error(500, "api_error", "Internal server error");
    }

    @Override
    public Reply overloaded(Prepared.Accepted call) {
        return error(529, "overloaded_error", "Overloaded");
    }

    @Override
    public Reply overLimit(RateLimits.Verdict v, Prepared.Accepted call) {
        String what = "requests".equals(v.exceeded()) ? v.requestLimit() + " requests per minute"
                : v.tokenLimit() + " input tokens per minute";
        return error(429, "rate_limit_error", "This request would exceed your organization's rate limit of " + what
                + " (org: simulator, model: " + call.model() + "). For details, refer to: "
                + "https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. "
                + "Please reduce the prompt length or the maximum tokens requested, or try again later. You may also "
                + "contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit "
                + "increase.")
                .withHeader("retry-after", Long.toString(v.retryAfterSeconds()));
    }

    @Override
    public Reply finish(Reply reply, RateLimits.Verdict v) {
        Map<String, String> headers = new HashMap<>();
        headers.put("request-id", requestId());
        String reset = v.resetAt().truncatedTo(ChronoUnit.SECONDS).toString();
        if (v.limitsRequests()) {
            headers.put("anthropic-ratelimit-requests-limit", Long.toString(v.requestLimit()));
            headers.put("anthropic-ratelimit-requests-remaining", Long.toString(v.requestsRemaining()));
            headers.put("anthropic-ratelimit-requests-reset", reset);
        }
        if (v.limitsTokens()) {
            for (String kind : new String[]{"tokens", "input-tokens"}) {
                headers.put("anthropic-ratelimit-" + kind + "-limit", Long.toString(v.tokenLimit()));
                headers.put("anthropic-ratelimit-" + kind + "-remaining", Long.toString(v.tokensRemaining()));
                headers.put("anthropic-ratelimit-" + kind + "-reset", reset);
            }
        }
        headers.putAll(reply.headers());
        return reply.withHeaders(headers);
    }
}
