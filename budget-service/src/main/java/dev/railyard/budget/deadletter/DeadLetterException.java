package dev.railyard.budget.deadletter;

/** A dead-letter request the API refuses: its HTTP status, error code and message. */
public final class DeadLetterException extends RuntimeException {
    private final int status;
    private final String code;
    private final String param;

    public DeadLetterException(int status, String code, String param, String message) {
        super(message);
        this.status = status;
        this.code = code;
        this.param = param;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }
}
