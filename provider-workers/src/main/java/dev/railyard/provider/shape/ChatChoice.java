package dev.railyard.provider.shape;

import java.util.List;

/**
 * One choice of a chat completion, in OpenAI terms.
 *
 * @param content      the assistant's text, or null when it only called tools
 * @param finishReason stop, length, tool_calls or content_filter
 */
public record ChatChoice(int index, String content, List<ToolCall> toolCalls, String finishReason) {
    public ChatChoice {
        toolCalls = List.copyOf(toolCalls);
    }
}
