package dev.railyard.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.config.ProviderConfig;
import dev.railyard.provider.anthropic.AnthropicAdapter;
import dev.railyard.provider.bedrock.BedrockAdapter;
import dev.railyard.provider.gemini.GeminiAdapter;
import dev.railyard.provider.openai.OpenAiCompatibleAdapter;
import dev.railyard.provider.structured.SchemaCache;
import dev.railyard.provider.structured.StructuredOutput;
import io.vertx.core.Vertx;
import java.time.Clock;

/** Chooses the adapter of a provider's family (its configured {@code type}). */
public final class ProviderAdapters {
    /** Distinct response schemas kept compiled; a batch usually repeats one. */
    static final int CACHED_SCHEMAS = 256;

    private final Vertx vertx;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final StructuredOutput structuredOutput;

    public ProviderAdapters(Vertx vertx, ObjectMapper mapper, Clock clock) {
        this.vertx = vertx;
        this.mapper = mapper;
        this.clock = clock;
        this.structuredOutput = new StructuredOutput(new SchemaCache(CACHED_SCHEMAS));
    }

    /**
     * The adapter of the provider's family; answers are checked against the job's response_format,
     * and errors it reports never carry the provider's credentials.
     */
    public ProviderAdapter create(ProviderConfig provider) {
        return new RedactingAdapter(new StructuredOutputAdapter(family(provider), structuredOutput, mapper), provider);
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
