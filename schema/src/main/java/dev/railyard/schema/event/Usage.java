package dev.railyard.schema.event;

/** Token usage as the provider reported it (OpenAI names); {@code cachedPromptTokens} is part of prompt tokens. */
public record Usage(long promptTokens, long completionTokens, long cachedPromptTokens) {
    public static final Usage NONE = new Usage(0, 0, 0);

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
