package dev.railyard.simulator;

import java.util.function.LongFunction;

/** A validated request ready to be answered, or the error that rejects it. */
public sealed interface Prepared {

    /** The request failed validation; answered at once, as the providers do. */
    record Rejected(Reply reply) implements Prepared {
    }

    /**
     * @param promptTokens  the prompt size, for context-length checks and token rate limits
     * @param contextWindow the model's context window
     * @param param         the request field a context-length error names
     * @param answer        builds the success reply (only when no error is chosen) given the latency chosen for it,
     *                      which some families report in the body
     */
    record Accepted(String model, Directives directives, int promptTokens, int contextWindow, String param,
                    LongFunction<Reply> answer) implements Prepared {
    }
}
