package dev.railyard.provider.translation;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.provider.anthropic.AnthropicTranslation;
import dev.railyard.provider.bedrock.BedrockTranslation;
import dev.railyard.provider.gemini.GeminiTranslation;
import dev.railyard.provider.openai.OpenAiTranslation;
import java.util.List;

/**
 * The chat {@link Translation} of each provider family, by provider type. For benchmarks and tools:
 * the worker's adapters translate through the same code, with HTTP around it.
 */
public final class Translations {
    /** The chat-capable families (azure-openai translates as openai-compatible does). */
    public static final List<String> FAMILIES = List.of("openai-compatible", "anthropic", "gemini", "bedrock");

    private Translations() {
    }

    public static Translation of(String type, ObjectMapper mapper) {
        return switch (type) {
            case "openai-compatible", "azure-openai" -> new OpenAiTranslation(mapper);
            case "anthropic" -> new AnthropicTranslation(mapper);
            case "gemini" -> new GeminiTranslation(mapper);
            case "bedrock" -> new BedrockTranslation(mapper);
            default -> throw new IllegalArgumentException("no translation for provider type '" + type + "'");
        };
    }
}
