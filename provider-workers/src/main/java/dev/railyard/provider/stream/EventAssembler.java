package dev.railyard.provider.stream;

import dev.railyard.provider.ProviderException;

/**
 * Builds one answer from a stream's decoded events; one per call, fed on one thread in order.
 * {@link StreamAssembler} is the one for server-sent events; Bedrock's takes AWS event-stream messages.
 *
 * @param <E> the events a {@link StreamDecoder} yields
 */
public interface EventAssembler<E> {
    /**
     * Takes one event.
     *
     * @throws ProviderException when the event is the provider's error (classified by the family's
     *                           classifier) or is not what the family sends (malformed)
     */
    void accept(E event) throws ProviderException;

    /** Whether output (text or a tool call) has arrived: the first time this turns true is the first token. */
    boolean started();

    /**
     * Whether the answer is whole: the family's end event arrived ({@code [DONE]}, {@code message_stop}),
     * or, for families that end by ending the body, whether what arrived amounts to an answer.
     */
    boolean complete();
}
