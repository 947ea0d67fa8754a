package dev.railyard.simulator.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.simulator.Prepared;
import dev.railyard.simulator.RateLimits;
import dev.railyard.simulator.Reply;
import dev.railyard.simulator.WireErrors;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Google's error shape, {@code {"error":{"code","message","status","details"}}}, with the canonical status
 * names (INVALID_ARGUMENT, PERMISSION_DENIED, RESOURCE_EXHAUSTED, INTERNAL, UNAVAILABLE…). A 429 carries its
 * wait in a {@code google.rpc.RetryInfo} detail, not in a header: Gemini sends no rate-limit headers.
 */
final class GeminiErrors implements WireErrors {
    private static final Map<Integer, String> STATUS = Map.of(
            400, "INVALID_ARGUMENT", 401, "UNAUTHENTICATED", 403, "PERMISSION_DENIED", 404, "NOT_FOUND",
            409, "ABORTED", 429, "RESOURCE_EXHAUSTED", 500, "INTERNAL", 501, "NOT_IMPLEMENTED", 503, "UNAVAILABLE",
            504, "DEADLINE_EXCEEDED");

    private final ObjectMapper mapper;
    private final long retryAfterMs;

    GeminiErrors(ObjectMapper mapper, long retryAfterMs) {
        this.mapper = mapper;
        this.retryAfterMs = retryAfterMs;
    }

    static String statusName(int code) {
        return STATUS.getOrDefault(code, code >= 500 ? "INTERNAL" : "FAILED_PRECONDITION");
    }

    Reply error(int code, String message, ArrayNode details) {
        ObjectNode root = mapper.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", message);
        error.put("status", statusName(code));
        if (details != null) {
            error.set("details", details);
        }
        try {
            return Reply.json(code, mapper.writeValueAsBytes(root)).withHeader("content-type", "application/json; charset=UTF-8");
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    Reply invalid(String message) {
        return error(400, message, null);
    }

    /** No key at all: Google answers 403, not 401. */
    Reply missingKey() {
        return error(403, "Method doesn't allow unregistered callers (callers without established identity). Please use "
                + "API Key or other form of API consumer identity to call this API.", null);
    }

    Reply notFound(String path) {
        return error(404, "The requested URL " + path + " was not found on this server.", null);
    }

    @Override
    public Reply forStatus(int status, Prepared.Accepted call) {
        return switch (status) {
            case 400 -> invalid("Request contains an invalid argument.");
            case 401 -> error(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
                    + "cookie or other valid authentication credential.", null);
            case 403 -> error(403, "The caller does not have permission", null);
            case 404 -> error(404, "models/" + call.model() + " is not found for API version v1beta, or is not supported "
                    + "for generateContent. Call ListModels to see the list of available models and their supported "
                    + "methods.", null);
            case 429 -> rateLimited(call);
            case 500 -> serverError(call);
            case 503 -> overloaded(call);
            case 504 -> error(504, "Deadline expired before operation could complete.", null);
            default -> error(status, "Simulated error with status " + status + ".", null);
        };
    }

    @Override
    public Reply contextLength(Prepared.Accepted call) {
        int tokens = Math.max(call.promptTokens(), call.contextWindow() + 1);
        return invalid("The input token count (" + tokens + ") exceeds the maximum number of tokens allowed ("
                + call.contextWindow() + ").");
    }

    @Override
    public Reply insufficientQuota(Prepared.Accepted call) {
        return quota(call.model(), "generate_content_free_tier_requests", "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
                0, retryAfterMs);
    }

    /** Gemini blocks the prompt in a 200: {@code promptFeedback.blockReason} and no candidates. */
    @Override
    public Reply contentFiltered(Prepared.Accepted call, long latencyMs) {
        return call.answer().apply(latencyMs);
    }

    @Override
    public Reply rateLimited(Prepared.Accepted call) {
        return quota(call.model(), "generate_content_free_tier_requests", "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                15, retryAfterMs);
    }

    @Override
    public Reply serverError(Prepared.Accepted call) {
        return error(500, "An internal error has occurred. Please retry or report in "
                + "https://developers.generativeai.google/guide/troubleshooting", null);
    }

    @Override
    public Reply overloaded(Prepared.Accepted call) {
        return error(503, "The model is overloaded. Please try again later.", null);
    }

    @Override
    public Reply overLimit(RateLimits.Verdict v, Prepared.Accepted call) {
        boolean requests = "requests".equals(v.exceeded());
        return quota(call.model(), requests ? "generate_content_requests" : "generate_content_input_token_count",
                requests ? "GenerateRequestsPerMinutePerProjectPerModel" : "GenerateContentInputTokensPerModelPerMinute",
                requests ? v.requestLimit() : v.tokenLimit(), v.resetMs());
    }

    /** A 429 as Gemini sends it: QuotaFailure, Help and RetryInfo details. */
    private Reply quota(String model, String metric, String quotaId, long value, long retryMs) {
        ArrayNode details = mapper.createArrayNode();
        ObjectNode failure = details.addObject().put("@type", "type.googleapis.com/google.rpc.QuotaFailure");
        ObjectNode violation = failure.putArray("violations").addObject();
        violation.put("quotaMetric", "generativelanguage.googleapis.com/" + metric);
        violation.put("quotaId", quotaId);
        violation.putObject("quotaDimensions").put("location", "global").put("model", model);
        violation.put("quotaValue", Long.toString(value));
        details.addObject().put("@type", "type.googleapis.com/google.rpc.Help").putArray("links").addObject()
                .put("description", "Learn more about Gemini API quotas")
                .put("url", "https://ai.google.dev/gemini-api/docs/rate-limits");
        details.addObject().put("@type", "type.googleapis.com/google.rpc.RetryInfo")
                .put("retryDelay", Math.max(1, (retryMs + 999) / 1000) + "s");
        return error(429, "You exceeded your current quota, please check your plan and billing details. For more "
                + "information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.", details);
    }

    @Override
    public Reply finish(Reply reply, RateLimits.Verdict verdict) {
        return reply; // Gemini sends no request-id or rate-limit headers
    }
}
