package dev.railyard.provider.stream;

/**
 * One server-sent event.
 *
 * @param event the {@code event:} field, or {@code message} when the event named none
 * @param data  the {@code data:} lines joined with {@code \n}
 */
public record SseEvent(String event, String data) {
}
