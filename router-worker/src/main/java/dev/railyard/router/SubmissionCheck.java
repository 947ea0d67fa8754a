package dev.railyard.router;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.validation.FieldError;
import dev.railyard.schema.validation.JobRequestValidator;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a submitted job the way the REST edge does, since producers may write straight to Kafka:
 * the request body must be valid for its endpoint and the job's model must be the body's model.
 */
final class SubmissionCheck {

    sealed interface Checked permits Valid, Invalid {
    }

    /** @param job the job with its model filled in from the body when it had none */
    record Valid(JobSubmitted job) implements Checked {
    }

    record Invalid(List<FieldError> errors) implements Checked {
        String describe() {
            return "invalid request: " + String.join("; ", errors.stream().map(FieldError::toString).toList());
        }
    }

    private final JobRequestValidator validator;

    SubmissionCheck(JobRequestValidator validator) {
        this.validator = validator;
    }

    Checked check(JobSubmitted job) {
        List<FieldError> errors = new ArrayList<>(validator.validate(job.endpoint(), job.body()));
        JsonNode bodyModel = job.body() == null ? null : job.body().get("model");
        String modelInBody = bodyModel != null && bodyModel.isTextual() ? bodyModel.asText() : null;
        if (job.model() != null && modelInBody != null && !job.model().equals(modelInBody)) {
            errors.add(new FieldError("model", "invalid_value",
                    "model '" + job.model() + "' does not match body.model '" + modelInBody + "'"));
        }
        if (!errors.isEmpty()) {
            return new Invalid(List.copyOf(errors));
        }
        return new Valid(job.model() != null ? job : withModel(job, modelInBody));
    }

    private static JobSubmitted withModel(JobSubmitted j, String model) {
        return new JobSubmitted(j.schemaVersion(), j.eventId(), j.jobId(), j.occurredAt(), j.tenant(), j.batchId(),
                j.customId(), j.lineNumber(), j.endpoint(), model, j.body(), j.priority(), j.deadline(), j.metadata(),
                j.callbackUrl());
    }
}
