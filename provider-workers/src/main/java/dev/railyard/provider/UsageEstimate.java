package dev.railyard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.Usage;

/**
 * Usage for an answer whose provider reported none (Gemini's embedding methods never do; an
 * OpenAI-compatible server may leave {@code usage} out). The provider still bills the call, so the attempt
 * is billed at an estimate, flagged {@link Usage#estimated()} on the attempt, the result and the ledger:
 * the router's prompt estimate (or ~4 characters a token of the request when it made none), and for a chat
 * answer ~4 characters a token of the generated text and tool calls; embeddings have no output tokens.
 */
final class UsageEstimate {
    private static final int CHARS_PER_TOKEN = 4;

    private UsageEstimate() {
    }

    /** The answer as it is when it reports usage; else the same answer with estimated usage. */
    static ProviderResponse filled(ProviderResponse answer, JobSubmitted job, int promptTokens) {
        if (answer.usage() != null && !Usage.NONE.equals(answer.usage())) {
            return answer;
        }
        long prompt = promptTokens > 0 ? promptTokens : tokens(job.body() == null ? 0 : job.body().toString().length());
        boolean embeddings = job.endpoint() != null && job.endpoint().endsWith("/embeddings");
        long completion = embeddings ? 0 : tokens(generatedChars(answer.body()));
        return new ProviderResponse(answer.httpStatus(), answer.body(), Usage.estimate(prompt, completion),
                answer.providerRequestId(), answer.latencyMs(), answer.timeToFirstTokenMs(), answer.quotaResetIn());
    }

    /** Characters of every choice's text and tool calls in an OpenAI-shaped chat completion. */
    private static long generatedChars(JsonNode body) {
        long chars = 0;
        if (body == null) {
            return 0;
        }
        for (JsonNode choice : body.path("choices")) {
            JsonNode message = choice.path("message");
            chars += message.path("content").asText("").length();
            for (JsonNode call : message.path("tool_calls")) {
                chars += call.path("function").path("name").asText("").length()
                        + call.path("function").path("arguments").asText("").length();
            }
        }
        return chars;
    }

    private static long tokens(long chars) {
        return (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }
}
