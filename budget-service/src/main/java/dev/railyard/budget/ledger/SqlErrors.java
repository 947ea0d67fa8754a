package dev.railyard.budget.ledger;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * Sorts database failures into the two that matter to a consumer: a result the database will never
 * accept (bad data: dead-letter it) and everything else (the database or connection is unwell, or the
 * schema is not what we expect: retry the batch later rather than dead-letter good records).
 */
public final class SqlErrors {
    private SqlErrors() {
    }

    /** True for SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation). */
    public static boolean rejectsData(SQLException e) {
        String state = sqlState(e);
        if (state == null || e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return false;
        }
        return state.startsWith("22") || state.startsWith("23");
    }

    /** The most specific SQLSTATE: batch failures carry the statement's own error as their next exception. */
    public static String sqlState(SQLException e) {
        String state = null;
        for (SQLException cur = e; cur != null; cur = cur.getNextException()) {
            if (cur.getSQLState() != null) {
                state = cur.getSQLState();
            }
            if (cur.getNextException() == cur) {
                break;
            }
        }
        return state;
    }

    /** One line for a dead-letter header: the SQLSTATE and the server's message with its detail. */
    public static String describe(SQLException e) {
        SQLException root = e;
        while (root.getNextException() != null && root.getNextException() != root) {
            root = root.getNextException();
        }
        String message = root.getMessage() == null ? root.toString() : root.getMessage();
        return "SQLSTATE " + sqlState(e) + ": " + message.replaceAll("\\s*\\n\\s*", "; ");
    }
}
