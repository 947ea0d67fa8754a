package dev.railyard.simulator.bedrock;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.simulator.Prepared;
import dev.railyard.simulator.RateLimits;
import dev.railyard.simulator.Reply;
import dev.railyard.simulator.WireErrors;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Bedrock Runtime's errors: {@code {"message":…}} with the exception's name in {@code x-amzn-ErrorType}
 * (ThrottlingException 429, ValidationException 400, ModelTimeoutException 408, InternalServerException 500,
 * ServiceUnavailableException 503…, as the Smithy model types them), and {@code x-amzn-RequestId} on every answer.
 */
final class BedrockErrors implements WireErrors {
    static final String ERROR_TYPE = "x-amzn-ErrorType";
    static final String REQUEST_ID = "x-amzn-RequestId";

    private final ObjectMapper mapper;

    BedrockErrors(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    Reply error(int status, String type, String message) {
        byte[] body = mapper.createObjectNode().put("message", message).toString().getBytes(StandardCharsets.UTF_8);
        return Reply.json(status, body).withHeader(ERROR_TYPE, type);
    }

    Reply validation(String message) {
        return error(400, "ValidationException", message);
    }

    /** Bedrock's answer to an unknown path: API Gateway's "UnknownOperationException". */
    Reply unknownOperation() {
        return error(404, "UnknownOperationException", "Unknown operation");
    }

    @Override
    public Reply forStatus(int status, Prepared.Accepted call) {
        return switch (status) {
            case 400 -> validation("Invalid request (simulated).");
            case 403 -> error(403, "AccessDeniedException", "You don't have access to the model with the specified model ID.");
            case 404 -> error(404, "ResourceNotFoundException", "Model not found.");
            case 408 -> error(408, "ModelTimeoutException", "Model has timed out in processing the request. Try your request again.");
            case 424 -> error(424, "ModelErrorException", "The model returned an error. Try your request again.");
            case 429 -> rateLimited(call);
            case 500 -> serverError(call);
            case 503 -> overloaded(call);
            default -> error(status, status >= 500 ? "InternalServerException" : "ValidationException",
                    "Simulated error with status " + status + ".");
        };
    }

    @Override
    public Reply contextLength(Prepared.Accepted call) {
        return validation("Input is too long for requested model.");
    }

    @Override
    public Reply insufficientQuota(Prepared.Accepted call) {
        return error(400, "ServiceQuotaExceededException", "Your request exceeds the service quota for your account. "
                + "You can view your quotas at Viewing service quotas. You can resubmit your request later.");
    }

    /** Converse reports a filtered answer as a 200 whose {@code stopReason} is {@code content_filtered}. */
    @Override
    public Reply contentFiltered(Prepared.Accepted call, long latencyMs) {
        return call.answer().apply(latencyMs);
    }

    @Override
    public Reply rateLimited(Prepared.Accepted call) {
        return error(429, "ThrottlingException", "Too many requests, please wait before trying again.");
    }

    @Override
    public Reply serverError(Prepared.Accepted call) {
        return error(500, "InternalServerException", "The system encountered an unexpected error during processing. "
                + "Try your request again.");
    }

    @Override
    public Reply overloaded(Prepared.Accepted call) {
        return error(503, "ServiceUnavailableException", "Bedrock is unable to process your request.");
    }

    /** Bedrock says which limit was hit only in the message; it sends no rate-limit headers. */
    @Override
    public Reply overLimit(RateLimits.Verdict verdict, Prepared.Accepted call) {
        return error(429, "ThrottlingException", "requests".equals(verdict.exceeded())
                ? "Too many requests, please wait before trying again."
                : "Too many tokens, please wait before trying again.");
    }

    @Override
    public Reply finish(Reply reply, RateLimits.Verdict verdict) {
        return reply.headers().containsKey(REQUEST_ID) ? reply : reply.withHeader(REQUEST_ID, UUID.randomUUID().toString());
    }
}
