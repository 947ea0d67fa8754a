package dev.railyard.schema;

/** A record that cannot be read as the event its topic carries; it belongs on the dead-letter topic. */
public final class MalformedEventException extends RuntimeException {
    public MalformedEventException(String reason) {
        super(reason, null, false, false);
    }
}
