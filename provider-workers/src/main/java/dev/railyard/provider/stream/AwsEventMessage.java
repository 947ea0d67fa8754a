package dev.railyard.provider.stream;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One message of an AWS event stream ({@code application/vnd.amazon.eventstream}): its headers and its
 * payload. An AWS service's stream says what each message is in string headers: {@code :message-type}
 * ({@code event}, {@code exception} or {@code error}), then {@code :event-type}, {@code :exception-type},
 * or {@code :error-code} and {@code :error-message}.
 *
 * @param headers by name, each value typed as it was encoded: {@link Boolean}, {@link Byte}, {@link Short},
 *                {@link Integer}, {@link Long}, {@code byte[]}, {@link String}, {@link java.time.Instant}
 *                (timestamp) or {@link java.util.UUID}
 */
public record AwsEventMessage(Map<String, Object> headers, byte[] payload) {
    public static final String MESSAGE_TYPE = ":message-type";
    public static final String EVENT_TYPE = ":event-type";
    public static final String EXCEPTION_TYPE = ":exception-type";
    public static final String ERROR_CODE = ":error-code";
    public static final String ERROR_MESSAGE = ":error-message";
    public static final String CONTENT_TYPE = ":content-type";

    public AwsEventMessage {
        headers = Map.copyOf(headers);
    }

    /** A header's value when it is a string; else null. */
    public String header(String name) {
        return headers.get(name) instanceof String s ? s : null;
    }

    /** {@code event}, {@code exception} or {@code error}; null when the message names none. */
    public String messageType() {
        return header(MESSAGE_TYPE);
    }

    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
