package dev.railyard.provider;

import dev.railyard.config.Deployment;
import dev.railyard.config.ProviderConfig;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobSubmitted;
import io.vertx.core.Future;
import java.util.List;
import java.util.stream.Stream;

/**
 * Keeps a provider's credentials out of the errors jobs carry: some servers echo the key they were
 * given in their error bodies ("Incorrect API key provided: ..."), and those bodies travel to results,
 * dead letters and the API. Every occurrence becomes {@code ***}.
 */
final class RedactingAdapter implements ProviderAdapter {
    private static final String MASK = "***";

    private final ProviderAdapter delegate;
    private final List<String> secrets;

    RedactingAdapter(ProviderAdapter delegate, ProviderConfig provider) {
        this.delegate = delegate;
        this.secrets = Stream.of(provider.apiKey(), provider.option("secret_access_key", ""), provider.option("session_token", ""))
                .filter(s -> s != null && s.length() >= 4).toList();
    }

    @Override
    public Future<ProviderResponse> call(Deployment deployment, JobSubmitted job) {
        return delegate.call(deployment, job).recover(failure -> Future.failedFuture(
                failure instanceof ProviderException e ? redact(e) : failure));
    }

    private ProviderException redact(ProviderException e) {
        JobError error = e.error();
        String message = redact(error.message());
        String body = redact(error.providerBody());
        if (message == null ? error.message() == null : message.equals(error.message())) {
            if (body == null ? error.providerBody() == null : body.equals(error.providerBody())) {
                return e;
            }
        }
        return e.withError(new JobError(error.type(), message, error.httpStatus(), body, error.providerRequestId()));
    }

    private String redact(String text) {
        if (text == null) {
            return null;
        }
        for (String secret : secrets) {
            text = text.replace(secret, MASK);
        }
        return text;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
