package dev.railyard.budget.state;

/** Budget state records could not be written to the topic (Kafka refused them or did not answer in time). */
public final class StatePublishException extends RuntimeException {
    public StatePublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
