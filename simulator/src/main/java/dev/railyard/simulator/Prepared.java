package dev.railyard.simulator;

import java.util.function.Supplier;

/** A validated request ready to be answered, or the 400 that rejects it. */
sealed interface Prepared {

    /** The request failed validation; answered at once, as OpenAI does. */
    record Rejected(Reply reply) implements Prepared {
    }

    /**
     * @param promptTokens  the prompt size, for context-length checks
     * @param contextWindow the model's context window
     * @param param         the request field a context-length error names
     * @param answer        builds the success reply (only when no error is chosen)
     */
    record Accepted(String model, Directives directives, int promptTokens, int contextWindow, String param,
                    Supplier<Reply> answer) implements Prepared {
    }
}
