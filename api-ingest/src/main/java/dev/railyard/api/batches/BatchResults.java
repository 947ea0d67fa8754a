package dev.railyard.api.batches;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.api.http.ApiException;
import dev.railyard.api.http.JsonlStream;
import dev.railyard.api.jobs.StoredError;
import dev.railyard.schema.event.Outcome;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Opens the output file (succeeded jobs) and the error file (failed jobs and rejected lines) of a batch, in line order. */
public final class BatchResults {
    private static final String OUTPUT = """
            select id, custom_id, response::text from jobs
            where batch_id = ? and state = '%s' order by line_number""".formatted(Outcome.SUCCEEDED.code());
    private static final String ERRORS = """
            select j.line_number, j.id, j.custom_id, j.state, j.error::text,
                   (select a.http_status from attempts a where a.job_id = j.id
                    order by a.hop desc, a.try_number desc limit 1) as last_status,
                   null::text as code, null::text as field, null::text as message
            from jobs j where j.batch_id = ? and j.state in (%s)
            union all
            select e.line_number, null, e.custom_id, null, null, null, e.code, e.field, e.message
            from batch_line_errors e where e.batch_id = ?
            order by 1""".formatted(BatchStore.FAILURE_STATES);

    private final DataSource dataSource;
    private final BatchStore batches;
    private final ObjectMapper mapper;
    private final JsonFactory json;

    public BatchResults(DataSource dataSource, BatchStore batches, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.batches = batches;
        this.mapper = mapper;
        this.json = mapper.getFactory();
    }

    public JsonlStream.Source output(String tenant, String batchId) throws SQLException {
        requireBatch(tenant, batchId);
        return ResultCursor.open(dataSource, OUTPUT, 1, batchId, json,
                (row, out) -> ResultLines.succeeded(out, row.getString(1), row.getString(2), row.getString(3)));
    }

    public JsonlStream.Source errors(String tenant, String batchId) throws SQLException {
        requireBatch(tenant, batchId);
        return ResultCursor.open(dataSource, ERRORS, 2, batchId, json, (row, out) -> {
            String jobId = row.getString(2);
            if (jobId == null) {
                ResultLines.invalidLine(out, new LineError(row.getInt(1), row.getString(3), row.getString(7),
                        row.getString(8), row.getString(9)));
            } else {
                StoredError error = StoredError.of(mapper, row.getString(5), row.getString(4));
                Integer lastStatus = row.getObject(6, Integer.class);
                ResultLines.failed(out, jobId, row.getString(3), error, error.statusCode(lastStatus));
            }
        });
    }

    private void requireBatch(String tenant, String batchId) throws SQLException {
        if (!batches.exists(tenant, batchId)) {
            throw ApiException.notFound("id", "no batch with id '" + batchId + "'");
        }
    }
}
