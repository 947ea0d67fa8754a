package dev.railyard.router.budget;

/** The budget tables could not be read or written; nothing was reserved, so routing the job again is safe. */
public final class BudgetStoreException extends RuntimeException {
    public BudgetStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
