package dev.railyard.provider;

import dev.railyard.config.Deployment;
import dev.railyard.schema.event.JobSubmitted;
import io.vertx.core.Future;

/**
 * The provider seam: one call of one job on one deployment. Implementations never block; a failed
 * future carries a {@link ProviderException} with the normalised error. Retries are the caller's.
 */
public interface ProviderAdapter {
    Future<ProviderResponse> call(Deployment deployment, JobSubmitted job);
}
