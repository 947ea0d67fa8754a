package dev.railyard.provider.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.schema.event.JobSubmitted;

/**
 * The tokens a call is charged against TPM before it runs, as providers count them: the prompt plus the
 * most it may write (the output limit times {@code n}). The usage reported afterwards corrects it.
 */
public final class TokenDemand {
    /** Output assumed for a chat request that sets no limit; the router assumes the same. */
    public static final int DEFAULT_CHAT_OUTPUT_TOKENS = 1024;

    private TokenDemand() {
    }

    /** @param promptTokens the router's prompt estimate, or 0 when it made none */
    public static long of(JobSubmitted job, int promptTokens) {
        JsonNode body = job.body();
        long prompt = promptTokens > 0 ? promptTokens
                : body == null ? 1 : Math.max(1, body.toString().length() / 4); // ~4 characters a token
        if (job.endpoint() != null && job.endpoint().endsWith("/embeddings")) {
            return prompt;
        }
        long output = DEFAULT_CHAT_OUTPUT_TOKENS;
        if (body != null) {
            JsonNode limit = body.hasNonNull("max_completion_tokens") ? body.get("max_completion_tokens") : body.get("max_tokens");
            if (limit != null && limit.canConvertToLong() && limit.asLong() > 0) {
                output = limit.asLong();
            }
            JsonNode n = body.get("n");
            if (n != null && n.canConvertToInt() && n.asInt() > 1) {
                output *= n.asInt();
            }
        }
        return prompt + output;
    }
}
