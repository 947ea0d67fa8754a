package dev.railyard.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Map;

/** OpenAI's error bodies and headers, as the real API sends them (Azure OpenAI sends the same bodies). */
final class OpenAiErrors implements WireErrors {
    static final String INVALID_REQUEST = "invalid_request_error";
    private static final long REQUESTS_PER_MINUTE = 10_000;
    private static final long TOKENS_PER_MINUTE = 30_000_000;

    private final ObjectMapper mapper;
    private final long retryAfterMs;

    OpenAiErrors(ObjectMapper mapper, long retryAfterMs) {
        this.mapper = mapper;
        this.retryAfterMs = retryAfterMs;
    }

    Reply error(int status, String message, String type, String param, String code) {
        ObjectNode root = mapper.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        try {
            return Reply.json(status, mapper.writeValueAsBytes(root));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    Reply invalid(String message, String param, String code) {
        return error(400, message, INVALID_REQUEST, param, code);
    }

    Reply missingKey() {
        return error(401, "You didn't provide an API key. You need to provide your API key in an Authorization header "
                + "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the basic auth username and password "
                + "(i.e. basic auth username as YOUR_KEY). You can obtain an API key from "
                + "https://platform.openai.com/account/api-keys.", INVALID_REQUEST, null, "invalid_api_key");
    }

    Reply incorrectKey() {
        return error(401, "Incorrect API key provided: sk-****. You can find your API key at "
                + "https://platform.openai.com/account/api-keys.", INVALID_REQUEST, null, "invalid_api_key");
    }

    Reply unknownUrl(String method, String path) {
        return error(404, "Invalid URL (" + method + " " + path + ")", INVALID_REQUEST, null, null);
    }

    Reply rateLimited(String model) {
        return error(429, "Rate limit reached for " + model + " in organization org-simulator on requests per min (RPM): "
                + "Limit " + REQUESTS_PER_MINUTE + ", Used " + REQUESTS_PER_MINUTE + ", Requested 1. Please try again in "
                + resetText(retryAfterMs) + ". Visit https://platform.openai.com/account/rate-limits to learn more.",
                "requests", null, "rate_limit_exceeded").withHeaders(rateLimitHeaders());
    }

    Reply insufficientQuota() {
        return error(429, "You exceeded your current quota, please check your plan and billing details. For more "
                + "information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
                "insufficient_quota", null, "insufficient_quota");
    }

    /** Chat and embeddings word their context-length errors differently; {@code param} says which. */
    Reply contextLength(int contextWindow, int promptTokens, String param) {
        String message = "input".equals(param)
                ? "This model's maximum context length is " + contextWindow + " tokens, however you requested "
                        + promptTokens + " tokens (" + promptTokens + " in your prompt; 0 for the completion). "
                        + "Please reduce your prompt; or completion length."
                : "This model's maximum context length is " + contextWindow + " tokens. However, your messages "
                        + "resulted in " + promptTokens + " tokens. Please reduce the length of the messages.";
        return error(400, message, INVALID_REQUEST, param, "context_length_exceeded");
    }

    /** Azure OpenAI's answer when its content filter rejects a prompt. */
    Reply contentFiltered() {
        return error(400, "The response was filtered due to the prompt triggering Azure OpenAI's content management "
                + "policy. Please modify your prompt and retry.", INVALID_REQUEST, "prompt", "content_filter");
    }

    /** The body OpenAI sends with a status; unknown statuses get a generic body of the right type. */
    Reply forStatus(int status, String model) {
        return switch (status) {
            case 400 -> invalid("Invalid request (simulated).", null, null);
            case 401 -> incorrectKey();
            case 403 -> error(403, "Country, region, or territory not supported", "request_forbidden", null,
                    "unsupported_country_region_territory");
            case 404 -> error(404, "The model `" + model + "` does not exist or you do not have access to it.",
                    INVALID_REQUEST, null, "model_not_found");
            case 429 -> rateLimited(model);
            case 500 -> error(500, "The server had an error while processing your request. Sorry about that!",
                    "server_error", null, null);
            case 502 -> error(502, "Bad gateway.", "server_error", null, null);
            case 503 -> error(503, "The engine is currently overloaded, please try again later", "server_error", null, null);
            case 504 -> error(504, "Gateway timeout.", "server_error", null, null);
            default -> error(status, "Simulated error with status " + status + ".",
                    status >= 500 ? "server_error" : INVALID_REQUEST, null, null);
        };
    }

    // ---- WireErrors ----

    @Override
    public Reply forStatus(int status, Prepared.Accepted call) {
        return forStatus(status, call.model());
    }

    @Override
    public Reply contextLength(Prepared.Accepted call) {
        return contextLength(call.contextWindow(), Math.max(call.promptTokens(), call.contextWindow() + 1), call.param());
    }

    @Override
    public Reply insufficientQuota(Prepared.Accepted call) {
        return insufficientQuota();
    }

    @Override
    public Reply contentFiltered(Prepared.Accepted call, long latencyMs) {
        return contentFiltered();
    }

    @Override
    public Reply rateLimited(Prepared.Accepted call) {
        return rateLimited(call.model());
    }

    @Override
    public Reply serverError(Prepared.Accepted call) {
        return forStatus(500, call.model());
    }

    @Override
    public Reply overloaded(Prepared.Accepted call) {
        return forStatus(503, call.model());
    }

    @Override
    public Reply overLimit(RateLimits.Verdict v, Prepared.Accepted call) {
        boolean requests = "requests".equals(v.exceeded());
        String what = requests ? "requests per min (RPM)" : "tokens per min (TPM)";
        long limit = requests ? v.requestLimit() : v.tokenLimit();
        long used = requests ? v.requestLimit() - v.requestsRemaining() : v.tokenLimit() - v.tokensRemaining();
        long requested = requests ? 1 : v.requestedTokens();
        return error(429, "Rate limit reached for " + call.model() + " in organization org-simulator on " + what
                + ": Limit " + limit + ", Used " + used + ", Requested " + requested + ". Please try again in "
                + resetText(v.resetMs()) + ". Visit https://platform.openai.com/account/rate-limits to learn more.",
                requests ? "requests" : "tokens", null, "rate_limit_exceeded")
                .withHeader("retry-after", Long.toString(v.retryAfterSeconds()))
                .withHeader("retry-after-ms", Long.toString(v.resetMs()));
    }

    @Override
    public Reply finish(Reply reply, RateLimits.Verdict v) {
        Map<String, String> headers = new java.util.HashMap<>();
        headers.put("x-request-id", Ids.requestId());
        headers.put("openai-processing-ms", Long.toString(reply.delayMs()));
        headers.put("openai-version", "2020-10-01");
        if (v.limitsRequests()) {
            headers.put("x-ratelimit-limit-requests", Long.toString(v.requestLimit()));
            headers.put("x-ratelimit-remaining-requests", Long.toString(v.requestsRemaining()));
            headers.put("x-ratelimit-reset-requests", resetText(v.resetMs()));
        }
        if (v.limitsTokens()) {
            headers.put("x-ratelimit-limit-tokens", Long.toString(v.tokenLimit()));
            headers.put("x-ratelimit-remaining-tokens", Long.toString(v.tokensRemaining()));
            headers.put("x-ratelimit-reset-tokens", resetText(v.resetMs()));
        }
        // A family's own headers never override what the reply already says (an injected 429's limits).
        headers.putAll(reply.headers());
        return reply.withHeaders(headers);
    }

    /** Azure OpenAI's 401, whose body has no {@code type}. */
    Reply azureAccessDenied() {
        return azure(401, "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a "
                + "valid key for an active subscription and use a correct regional API endpoint for your resource.");
    }

    /** Azure OpenAI's answer to a path without {@code api-version}, or an unknown one. */
    Reply azureNotFound() {
        return azure(404, "Resource not found");
    }

    private Reply azure(int status, String message) {
        ObjectNode root = mapper.createObjectNode();
        root.putObject("error").put("code", Integer.toString(status)).put("message", message);
        try {
            return Reply.json(status, mapper.writeValueAsBytes(root));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, String> rateLimitHeaders() {
        String reset = resetText(retryAfterMs);
        return Map.of(
                "retry-after", Long.toString(Math.max(1, (retryAfterMs + 999) / 1000)),
                "retry-after-ms", Long.toString(retryAfterMs),
                "x-ratelimit-limit-requests", Long.toString(REQUESTS_PER_MINUTE),
                "x-ratelimit-remaining-requests", "0",
                "x-ratelimit-reset-requests", reset,
                "x-ratelimit-limit-tokens", Long.toString(TOKENS_PER_MINUTE),
                "x-ratelimit-remaining-tokens", Long.toString(TOKENS_PER_MINUTE - 1_000),
                "x-ratelimit-reset-tokens", "1ms");
    }

    /** OpenAI's duration format in rate-limit headers and messages: {@code 20ms}, {@code 1.5s}, {@code 6m0s}. */
    static String resetText(long ms) {
        if (ms < 1000) {
            return ms + "ms";
        }
        long minutes = ms / 60_000;
        long restMs = ms % 60_000;
        String seconds = restMs % 1000 == 0 ? Long.toString(restMs / 1000)
                : java.math.BigDecimal.valueOf(restMs, 3).stripTrailingZeros().toPlainString();
        return minutes > 0 ? minutes + "m" + seconds + "s" : seconds + "s";
    }
}
