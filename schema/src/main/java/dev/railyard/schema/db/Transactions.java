package dev.railyard.schema.db;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One JDBC transaction on a connection: commit when the work returns, roll back when it throws (the
 * rollback's own failure kept as suppressed), and auto-commit restored either way, so a pooled connection
 * goes back clean. The work may roll back part way itself and go on; what it does after is committed.
 */
public final class Transactions {

    /** The work done inside the transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private Transactions() {
    }

    public static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
