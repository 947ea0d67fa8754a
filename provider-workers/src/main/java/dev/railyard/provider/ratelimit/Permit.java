package dev.railyard.provider.ratelimit;

import dev.railyard.config.Deployment;
import dev.railyard.config.ProviderConfig;

/**
 * Leave to make one call: the tokens it was charged up front, to be corrected by the usage reported.
 *
 * @param tokens the prompt estimate plus the output limit, as taken from the TPM buckets
 */
public record Permit(Deployment deployment, ProviderConfig provider, long tokens) {
}
