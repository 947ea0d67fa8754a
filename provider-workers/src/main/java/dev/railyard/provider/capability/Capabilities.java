package dev.railyard.provider.capability;

import java.util.Set;

/**
 * What a provider family's adapter can do, declared as data: the adapter checks jobs against it
 * ({@link Parameters#check}) and the capability matrix in {@code docs/providers.md} is rendered from it.
 *
 * @param type                    the provider type ({@code anthropic}, ...)
 * @param chatParameters          the OpenAI chat parameters (of {@link Parameters#CHAT}) the adapter maps
 * @param embeddingParameters     the OpenAI embeddings parameters (of {@link Parameters#EMBEDDINGS}) it maps
 * @param jsonSchema              {@code response_format} of type {@code json_schema} is mapped
 * @param passesUnknownParameters parameters outside the known lists go to the provider as they are
 *                                (OpenAI's own API judges them); otherwise they fail the job
 */
public record Capabilities(
        String type,
        boolean chat,
        boolean embeddings,
        boolean vision,
        boolean tools,
        boolean jsonSchema,
        boolean streaming,
        Set<String> chatParameters,
        Set<String> embeddingParameters,
        boolean passesUnknownParameters) {

    public Capabilities {
        chatParameters = Set.copyOf(chatParameters);
        embeddingParameters = Set.copyOf(embeddingParameters);
    }

    /** These capabilities less some parameters: a provider's quirks, from its configuration. */
    public Capabilities without(Set<String> parameters) {
        var chat = new java.util.HashSet<>(chatParameters);
        var embed = new java.util.HashSet<>(embeddingParameters);
        chat.removeAll(parameters);
        embed.removeAll(parameters);
        return new Capabilities(type, this.chat, embeddings, vision, tools,
                jsonSchema && !parameters.contains("response_format"), streaming, chat, embed, passesUnknownParameters);
    }
}
