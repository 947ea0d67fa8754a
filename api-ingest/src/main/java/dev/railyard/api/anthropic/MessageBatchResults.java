package dev.railyard.api.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.api.batches.ResultCursor;
import dev.railyard.api.http.JsonlStream;
import dev.railyard.api.jobs.StoredError;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A Message Batch's results file: one line per request, in request order, {@code {"custom_id","result":{"type":...}}}
 * with {@code succeeded} (an Anthropic Message), {@code errored}, {@code canceled} or {@code expired}.
 */
final class MessageBatchResults {
    private static final String RESULTS = """
            select j.custom_id, j.state, j.model, j.response::text, j.error::text,
                   (select a.http_status from attempts a where a.job_id = j.id
                    order by a.hop desc, a.try_number desc limit 1) as last_status
            from jobs j where j.batch_id = ? order by j.line_number""";

    private final DataSource dataSource;
    private final ObjectMapper mapper;

    MessageBatchResults(DataSource dataSource, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.mapper = mapper;
    }

    /** Call once the batch has ended; every job then has its terminal state. */
    JsonlStream.Source open(String batchId) throws SQLException {
        return ResultCursor.open(dataSource, RESULTS, 1, batchId, mapper.getFactory(), this::line);
    }

    private void line(ResultSet row, JsonGenerator out) throws SQLException, IOException {
        out.writeStartObject();
        out.writeStringField("custom_id", row.getString(1));
        out.writeFieldName("result");
        String state = row.getString(2);
        switch (state) {
            case "succeeded" -> {
                JsonNode completion = mapper.readTree(row.getString(4) == null ? "{}" : row.getString(4));
                out.writeStartObject();
                out.writeStringField("type", "succeeded");
                out.writeFieldName("message");
                mapper.writeTree(out, AnthropicMessage.of(mapper, completion, row.getString(3)));
                out.writeEndObject();
            }
            case "cancelled" -> typeOnly(out, "canceled");
            case "expired" -> typeOnly(out, "expired");
            default -> {
                StoredError error = StoredError.of(mapper, row.getString(5), state);
                Integer lastStatus = row.getObject(6, Integer.class);
                out.writeStartObject();
                out.writeStringField("type", "errored");
                out.writeObjectFieldStart("error");
                out.writeStringField("type", "error");
                out.writeObjectFieldStart("error");
                out.writeStringField("type", AnthropicErrors.type(error.statusCode(lastStatus)));
                out.writeStringField("message", error.message());
                out.writeEndObject();
                out.writeEndObject();
                out.writeEndObject();
            }
        }
        out.writeEndObject();
        out.writeRaw('\n');
    }

    private static void typeOnly(JsonGenerator out, String type) throws IOException {
        out.writeStartObject();
        out.writeStringField("type", type);
        out.writeEndObject();
    }
}
