package dev.railyard.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.config.Deployment;
import dev.railyard.provider.structured.OutputCheck;
import dev.railyard.provider.structured.StructuredOutput;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobSubmitted;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Checks answers against the job's {@code response_format} whatever the provider family. A
 * non-conforming answer fails the attempt with the retryable {@code structured_output_invalid}
 * (another attempt or a fallback may well conform), and the attempt stays billed: the provider
 * charged for it. A schema that does not compile fails the job before any call.
 */
final class StructuredOutputAdapter implements ProviderAdapter {
    private final ProviderAdapter delegate;
    private final StructuredOutput output;
    private final ObjectMapper mapper;

    StructuredOutputAdapter(ProviderAdapter delegate, StructuredOutput output, ObjectMapper mapper) {
        this.delegate = delegate;
        this.output = output;
        this.mapper = mapper;
    }

    @Override
    public Future<ProviderResponse> call(Deployment deployment, JobSubmitted job) {
        Optional<OutputCheck> check;
        try {
            check = output.checkFor(job.endpoint(), job.body());
        } catch (ProviderException e) {
            return Future.failedFuture(e);
        }
        if (check.isEmpty()) {
            return delegate.call(deployment, job);
        }
        return delegate.call(deployment, job).compose(answer -> {
            List<String> violations = check.get().violations(mapper, answer.body());
            if (violations.isEmpty()) {
                return Future.succeededFuture(answer);
            }
            JobError error = new JobError(ErrorType.STRUCTURED_OUTPUT_INVALID, check.get().describe(violations),
                    answer.httpStatus(), null, answer.providerRequestId());
            return Future.failedFuture(ProviderException.afterAnswer(error, answer));
        });
    }

    @Override
    public void close() {
        delegate.close();
    }
}
