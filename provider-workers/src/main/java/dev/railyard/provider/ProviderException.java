package dev.railyard.provider;

import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import java.time.Duration;
import java.util.Optional;

/**
 * A failed provider call, classified into the one error taxonomy, keeping what the provider said.
 * Thrown (as a failed future) by adapters; the retry loop decides from {@link #retryable()}.
 */
public final class ProviderException extends RuntimeException {
    private final JobError error;
    private final Duration retryAfter;
    private final ProviderResponse answered;

    /** @param retryAfter how long the provider asked us to wait, or null */
    public ProviderException(JobError error, Duration retryAfter, Throwable cause) {
        this(error, retryAfter, cause, null);
    }

    private ProviderException(JobError error, Duration retryAfter, Throwable cause, ProviderResponse answered) {
        super(error.type().code() + ": " + error.message(), cause, false, false);
        this.error = error;
        this.retryAfter = retryAfter;
        this.answered = answered;
    }

    /**
     * The provider answered, and charged for the answer, but the answer is unusable (output that does
     * not match the job's {@code response_format}, say): the attempt fails, and is still billed at
     * the answer's usage.
     */
    public static ProviderException afterAnswer(JobError error, ProviderResponse answered) {
        return new ProviderException(error, null, null, answered);
    }

    public ProviderException(JobError error, Duration retryAfter) {
        this(error, retryAfter, null);
    }

    public JobError error() {
        return error;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The answer the provider charged for, when the call failed only after it answered; else empty. */
    public Optional<ProviderResponse> answered() {
        return Optional.ofNullable(answered);
    }

    /** The same failure with another error (redacted, say), keeping retry-after, cause and answer. */
    public ProviderException withError(JobError replacement) {
        return new ProviderException(replacement, retryAfter, getCause(), answered);
    }

    public boolean retryable() {
        return retryable(error.type());
    }

    /**
     * The transient types, plus {@link ErrorType#MALFORMED_RESPONSE}: a 200 whose body is cut off or
     * lacks its results is the provider's fault, not the request's, and the same request usually
     * succeeds when sent again. (The schema marks it non-retryable because other stages must not
     * retry it blindly; this worker deliberately does, within the retry policy's attempts.)
     */
    public static boolean retryable(ErrorType type) {
        return type.retryable() || type == ErrorType.MALFORMED_RESPONSE;
    }
}
