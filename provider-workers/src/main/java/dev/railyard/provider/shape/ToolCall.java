package dev.railyard.provider.shape;

/** A function call the model asked for, in OpenAI terms; {@code arguments} is a JSON document as a string. */
public record ToolCall(String id, String name, String arguments) {
}
