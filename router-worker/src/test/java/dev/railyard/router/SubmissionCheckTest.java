package dev.railyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.schema.EventCodec;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.validation.JobRequestValidator;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubmissionCheckTest {
    final EventCodec codec = new EventCodec();
    final SubmissionCheck check = new SubmissionCheck(new JobRequestValidator());

    JobSubmitted job(String endpoint, String model, String body) {
        return new JobSubmitted(1, "e", "j", Instant.EPOCH, "t", null, null, 0, endpoint, model,
                body == null ? null : codec.tree(body.getBytes()), null, null, null, null);
    }

    @Test
    void fills_the_model_from_the_body_when_the_job_has_none() {
        SubmissionCheck.Checked checked = check.check(job("/v1/embeddings", null, "{\"model\":\"m\",\"input\":\"x\"}"));
        assertThat(checked).isInstanceOf(SubmissionCheck.Valid.class);
        assertThat(((SubmissionCheck.Valid) checked).job().model()).isEqualTo("m");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "model differs from body | /v1/embeddings       | a    | {\"model\":\"b\",\"input\":\"x\"}      | invalid request: model: model 'a' does not match body.model 'b'",
            "no model anywhere       | /v1/embeddings       |      | {\"input\":\"x\"}                      | invalid request: body.model: model is required",
            "no messages             | /v1/chat/completions | m    | {\"model\":\"m\"}                      | invalid request: body.messages: messages is required",
            "two problems            | /v1/chat/completions | m    | {\"model\":\"m\",\"messages\":[],\"n\":0} | invalid request: body.messages: messages must be a non-empty array; body.n: n must be a positive integer",
            "unknown endpoint        | /v1/images           | m    | {\"model\":\"m\"}                      | invalid request: url: endpoint must be /v1/chat/completions or /v1/embeddings, got '/v1/images'",
            "no body                 | /v1/embeddings       | m    |                                        | invalid request: body: body must be a JSON object",
    })
    void rejects_invalid_jobs_listing_every_field_error(String name, String endpoint, String model, String body, String message) {
        SubmissionCheck.Checked checked = check.check(job(endpoint, model, body));
        assertThat(checked).isInstanceOf(SubmissionCheck.Invalid.class);
        assertThat(((SubmissionCheck.Invalid) checked).describe()).isEqualTo(message);
    }

    @Test
    void accepts_a_job_whose_model_matches_its_body() {
        JobSubmitted job = job("/v1/chat/completions", "m",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(check.check(job)).isEqualTo(new SubmissionCheck.Valid(job));
    }
}
