package dev.railyard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.schema.event.Usage;

/**
 * A successful provider answer.
 *
 * @param body              the response body in OpenAI shape, as the provider returned it
 * @param usage             the usage the provider reported, {@link Usage#NONE} when it reported none
 * @param providerRequestId the provider's request id, or null
 * @param latencyMs         from sending the request to reading the whole answer
 */
public record ProviderResponse(int httpStatus, JsonNode body, Usage usage, String providerRequestId, long latencyMs) {
}
