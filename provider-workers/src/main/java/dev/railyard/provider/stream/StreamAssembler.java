package dev.railyard.provider.stream;

import dev.railyard.provider.ProviderException;

/**
 * Builds one answer from a provider's stream events; one per call, fed on one thread in order.
 * Each provider family has its own: OpenAI chunks, Anthropic message events, Gemini partial responses.
 */
public interface StreamAssembler {
    /**
     * Takes one event.
     *
     * @throws ProviderException when the event is the provider's error (classified by the family's
     *                           classifier) or is not what the family sends (malformed)
     */
    void accept(SseEvent event) throws ProviderException;

    /** Whether output (text or a tool call) has arrived: the first time this turns true is the first token. */
    boolean started();

    /**
     * Whether the answer is whole: the family's end event arrived ({@code [DONE]}, {@code message_stop}),
     * or, for families that end by ending the body, whether what arrived amounts to an answer.
     */
    boolean complete();
}
