package dev.railyard.budget.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "22P05, true",   // untranslatable character: \\u0000 in jsonb
            "22001, true",   // string too long
            "23502, true",   // not-null violation
            "23505, true",   // unique violation
            "08006, false",  // connection failure
            "08001, false",  // cannot connect
            "40001, false",  // serialization failure
            "40P01, false",  // deadlock
            "53300, false",  // too many connections
            "57P01, false",  // admin shutdown
            "42P01, false",  // undefined table: the schema is wrong, not the record
            ", false",
    })
    void only_data_and_constraint_errors_blame_the_record(String state, boolean rejectsData) {
        assertThat(SqlErrors.rejectsData(new SQLException("x", state))).isEqualTo(rejectsData);
    }

    @Test
    void a_batch_failure_is_judged_by_the_statement_error_it_carries() {
        BatchUpdateException batch = new BatchUpdateException("Batch entry 0 insert into jobs ... was aborted", null, new int[0]);
        batch.setNextException(new SQLException("ERROR: unsupported Unicode escape sequence\n  Detail: \\u0000 cannot be converted to text.", "22P05"));

        assertThat(SqlErrors.rejectsData(batch)).isTrue();
        assertThat(SqlErrors.describe(batch))
                .isEqualTo("SQLSTATE 22P05: ERROR: unsupported Unicode escape sequence; Detail: \\u0000 cannot be converted to text.");
    }

    @Test
    void a_pool_timeout_is_never_the_records_fault() {
        assertThat(SqlErrors.rejectsData(new SQLTransientConnectionException("pool exhausted", "23000"))).isFalse();
    }
}
