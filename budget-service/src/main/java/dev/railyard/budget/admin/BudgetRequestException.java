package dev.railyard.budget.admin;

/**
 * An admin request the API refuses: its HTTP status, error code and the request field at fault (null when the
 * request as a whole is at fault), as the REST error body carries them.
 */
public final class BudgetRequestException extends RuntimeException {
    private final int status;
    private final String code;
    private final String param;

    public BudgetRequestException(int status, String code, String param, String message) {
        super(message);
        this.status = status;
        this.code = code;
        this.param = param;
    }

    static BudgetRequestException invalid(String param, String message) {
        return new BudgetRequestException(400, "invalid_value", param, message);
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
