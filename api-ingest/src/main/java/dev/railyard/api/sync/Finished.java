package dev.railyard.api.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.api.jobs.JobRow;
import dev.railyard.api.jobs.StoredError;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.Outcome;
import java.io.UncheckedIOException;

/**
 * A job's terminal outcome, as the synchronous endpoints answer it, whether it came from the
 * {@code JobResult} on Kafka or from the job's row.
 *
 * @param state        the terminal state ({@code succeeded}, {@code failed}, {@code rejected}, ...)
 * @param responseJson the OpenAI response body when succeeded, else null
 * @param error        the job's error when not succeeded, else null
 */
record Finished(String jobId, String state, String responseJson, StoredError error) {

    boolean succeeded() {
        return Outcome.SUCCEEDED.code().equals(state) && responseJson != null;
    }

    static Finished of(JobResult result, ObjectMapper mapper) {
        String state = result.outcome() == null ? Outcome.FAILED.code() : result.outcome().code();
        String response = null;
        if (result.response() != null && !result.response().isNull()) {
            try {
                response = mapper.writeValueAsString(result.response());
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
        JobError e = result.error();
        StoredError error = e != null && e.type() != null
                ? new StoredError(e.type().code(), e.message() == null ? "the job ended " + state : e.message(), e.httpStatus())
                : StoredError.of(mapper, null, state);
        return new Finished(result.jobId(), state, response, error);
    }

    static Finished of(JobRow row, ObjectMapper mapper) {
        return new Finished(row.id(), row.state(), row.responseJson(), StoredError.of(mapper, row.errorJson(), row.state()));
    }
}
