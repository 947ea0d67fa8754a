package dev.railyard.provider.stream;

import dev.railyard.provider.ProviderException;

/**
 * Builds one answer from a provider's server-sent events; one per call, fed on one thread in order.
 * Each SSE family has its own: OpenAI chunks, Anthropic message events, Gemini partial responses.
 */
public interface StreamAssembler extends EventAssembler<SseEvent> {
    /**
     * Takes one event.
     *
     * @throws ProviderException when the event is the provider's error (classified by the family's
     *                           classifier) or is not what the family sends (malformed)
     */
    @Override
    void accept(SseEvent event) throws ProviderException;
}
