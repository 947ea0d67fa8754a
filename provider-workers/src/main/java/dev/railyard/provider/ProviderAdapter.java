package dev.railyard.provider;

import dev.railyard.config.Deployment;
import dev.railyard.schema.event.JobSubmitted;
import io.vertx.core.Future;

/**
 * The provider seam: one call of one job on one deployment. Implementations never block; a failed
 * future carries a {@link ProviderException} with the normalised error. Retries are the caller's.
 * Jobs arrive in the OpenAI request shape and responses leave in the OpenAI response shape, whatever
 * the provider speaks.
 */
public interface ProviderAdapter extends AutoCloseable {
    Future<ProviderResponse> call(Deployment deployment, JobSubmitted job);

    /** Releases connections; no call is made afterwards. */
    @Override
    default void close() {
    }
}
