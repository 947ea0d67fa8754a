package dev.railyard.schema.event;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Token usage as the provider reported it (OpenAI names); {@code cachedPromptTokens} is part of prompt tokens.
 *
 * @param estimated true when the provider answered without reporting usage and these counts are Railyard's
 *                  estimate (the routing decision's prompt tokens); omitted from JSON when false, and false
 *                  when absent, so records written before the field existed read as reported usage
 */
public record Usage(long promptTokens, long completionTokens, long cachedPromptTokens,
                    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean estimated) {
    public static final Usage NONE = new Usage(0, 0, 0);

    /** Usage the provider reported. */
    public Usage(long promptTokens, long completionTokens, long cachedPromptTokens) {
        this(promptTokens, completionTokens, cachedPromptTokens, false);
    }

    /** Railyard's estimate for an answer that reported no usage. */
    public static Usage estimate(long promptTokens, long completionTokens) {
        return new Usage(promptTokens, completionTokens, 0, true);
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
