package dev.railyard.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.config.ProviderConfig;
import dev.railyard.provider.anthropic.AnthropicAdapter;
import dev.railyard.provider.bedrock.BedrockAdapter;
import dev.railyard.provider.gemini.GeminiAdapter;
import dev.railyard.provider.openai.OpenAiCompatibleAdapter;
import io.vertx.core.Vertx;
import java.time.Clock;

/** Chooses the adapter of a provider's family (its configured {@code type}). */
public final class ProviderAdapters {
    private final Vertx vertx;
    private final ObjectMapper mapper;
    private final Clock clock;

    public ProviderAdapters(Vertx vertx, ObjectMapper mapper, Clock clock) {
        this.vertx = vertx;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** The adapter of the provider's family; errors it reports never carry the provider's credentials. */
    public ProviderAdapter create(ProviderConfig provider) {
        return new RedactingAdapter(family(provider), provider);
    }

    private ProviderAdapter family(ProviderConfig provider) {
        return switch (provider.type()) {
            case "openai-compatible", "azure-openai" -> new OpenAiCompatibleAdapter(vertx, provider, mapper, clock);
            case "anthropic" -> new AnthropicAdapter(vertx, provider, mapper, clock);
            case "gemini" -> new GeminiAdapter(vertx, provider, mapper, clock);
            case "bedrock" -> new BedrockAdapter(vertx, provider, mapper, clock);
            default -> throw new IllegalStateException("provider " + provider.name() + ": no adapter for type '"
                    + provider.type() + "'");
        };
    }
}
