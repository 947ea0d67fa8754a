package dev.railyard.api.batches;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.railyard.api.Ids;
import dev.railyard.api.jobs.StoredError;
import java.io.IOException;

/** The lines of a batch's output and error files, in OpenAI's batch output shape. */
public final class ResultLines {
    private ResultLines() {
    }

    /** {@code batch_req_} plus the job id without its {@code job_} prefix. */
    public static String requestId(String jobId) {
        return "batch_req_" + (jobId.startsWith(Ids.JOB_PREFIX) ? jobId.substring(Ids.JOB_PREFIX.length()) : jobId);
    }

    /** A succeeded job; the stored response is copied as it is, not parsed. */
    public static void succeeded(JsonGenerator g, String jobId, String customId, String responseJson) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", requestId(jobId));
        g.writeStringField("custom_id", customId);
        g.writeObjectFieldStart("response");
        g.writeNumberField("status_code", 200);
        g.writeStringField("request_id", jobId);
        g.writeFieldName("body");
        if (responseJson == null) {
            g.writeNull();
        } else {
            g.writeRawValue(responseJson);
        }
        g.writeEndObject();
        g.writeNullField("error");
        g.writeEndObject();
        g.writeRaw('\n');
    }

    /** A job that ended without success. */
    public static void failed(JsonGenerator g, String jobId, String customId, StoredError error, int statusCode) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", requestId(jobId));
        g.writeStringField("custom_id", customId);
        g.writeObjectFieldStart("response");
        g.writeNumberField("status_code", statusCode);
        g.writeStringField("request_id", jobId);
        g.writeObjectFieldStart("body");
        g.writeObjectFieldStart("error");
        g.writeStringField("message", error.message());
        g.writeStringField("type", error.code());
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndObject();
        g.writeObjectFieldStart("error");
        g.writeStringField("code", error.code());
        g.writeStringField("message", error.message());
        g.writeEndObject();
        g.writeEndObject();
        g.writeRaw('\n');
    }

    /** A line of the input that never became a job. */
    public static void invalidLine(JsonGenerator g, LineError e) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", "batch_req_line_" + e.lineNumber());
        g.writeStringField("custom_id", e.customId());
        g.writeNullField("response");
        g.writeObjectFieldStart("error");
        g.writeStringField("code", e.code());
        g.writeStringField("message", e.message());
        g.writeNumberField("line", e.lineNumber());
        g.writeStringField("param", e.field());
        g.writeEndObject();
        g.writeEndObject();
        g.writeRaw('\n');
    }
}
