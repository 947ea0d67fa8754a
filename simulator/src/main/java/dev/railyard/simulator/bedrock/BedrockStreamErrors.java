package dev.railyard.simulator.bedrock;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.simulator.Prepared;
import dev.railyard.simulator.RateLimits;
import dev.railyard.simulator.Reply;
import dev.railyard.simulator.WireErrors;
import java.util.ArrayList;
import java.util.List;

/**
 * ConverseStream's errors. The ones the Smithy model lists in the {@code ConverseStreamOutput} union
 * (throttling, internal server, service unavailable, model stream error) arrive inside a 200 stream as
 * exception messages ({@code :message-type} {@code exception}, {@code :exception-type}
 * {@code throttlingException}...), as Bedrock sends them: an injected fault breaks off half-way through
 * the answer, a key over its limits is refused by the first message. The rest (validation, access,
 * model not found, model timeout) are HTTP errors before any stream, as for Converse.
 */
final class BedrockStreamErrors implements WireErrors {
    private final ObjectMapper mapper;
    private final BedrockErrors http;

    BedrockStreamErrors(ObjectMapper mapper, BedrockErrors http) {
        this.mapper = mapper;
        this.http = http;
    }

    @Override
    public Reply forStatus(int status, Prepared.Accepted call) {
        return switch (status) {
            case 424 -> {
                ObjectNode body = message("The model returned an error. Try your request again.")
                        .put("originalStatusCode", 500).put("originalMessage", "Internal error while generating.");
                yield midStream(call, "modelStreamErrorException", body);
            }
            case 429 -> rateLimited(call);
            case 500 -> serverError(call);
            case 503 -> overloaded(call);
            default -> http.forStatus(status, call);
        };
    }

    @Override
    public Reply contextLength(Prepared.Accepted call) {
        return http.contextLength(call);
    }

    @Override
    public Reply insufficientQuota(Prepared.Accepted call) {
        return http.insufficientQuota(call);
    }

    @Override
    public Reply contentFiltered(Prepared.Accepted call, long latencyMs) {
        return http.contentFiltered(call, latencyMs);
    }

    @Override
    public Reply rateLimited(Prepared.Accepted call) {
        return midStream(call, "throttlingException", message("Too many requests, please wait before trying again."));
    }

    @Override
    public Reply serverError(Prepared.Accepted call) {
        return midStream(call, "internalServerException", message("The system encountered an unexpected error during "
                + "processing. Try your request again."));
    }

    @Override
    public Reply overloaded(Prepared.Accepted call) {
        return midStream(call, "serviceUnavailableException", message("Bedrock is unable to process your request."));
    }

    /** The key's quota is checked before the model runs: the stream's first message is the exception. */
    @Override
    public Reply overLimit(RateLimits.Verdict verdict, Prepared.Accepted call) {
        String text = "requests".equals(verdict.exceeded()) ? "Too many requests, please wait before trying again."
                : "Too many tokens, please wait before trying again.";
        return Reply.stream(EventStreamFrames.CONTENT_TYPE,
                List.of(EventStreamFrames.exception("throttlingException", message(text).toString())));
    }

    @Override
    public Reply finish(Reply reply, RateLimits.Verdict verdict) {
        return http.finish(reply, verdict);
    }

    /** The answer's first half (at least its messageStart), then the exception, then the end of the body. */
    private Reply midStream(Prepared.Accepted call, String exceptionType, ObjectNode body) {
        List<byte[]> answer = call.answer().apply(0).frames();
        List<byte[]> frames = new ArrayList<>(answer.subList(0, Math.max(1, answer.size() / 2)));
        frames.add(EventStreamFrames.exception(exceptionType, body.toString()));
        return Reply.stream(EventStreamFrames.CONTENT_TYPE, frames);
    }

    private ObjectNode message(String text) {
        return mapper.createObjectNode().put("message", text);
    }
}
