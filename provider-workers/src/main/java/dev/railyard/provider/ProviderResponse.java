package dev.railyard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.schema.event.Usage;
import java.time.Duration;
import java.util.Optional;

/**
 * A successful provider answer.
 *
 * @param body               the response body in OpenAI shape, as the provider returned it
 * @param usage              the usage the provider reported, {@link Usage#NONE} when it reported none
 * @param providerRequestId  the provider's request id, or null
 * @param latencyMs          from sending the request to reading the whole answer
 * @param timeToFirstTokenMs from sending the request to the first output token, when the answer was
 *                           streamed; null otherwise (a buffered answer arrives all at once)
 * @param quotaResetIn       when the provider's headers say a quota is now used up: how long until it resets;
 *                           null otherwise
 */
public record ProviderResponse(int httpStatus, JsonNode body, Usage usage, String providerRequestId, long latencyMs,
                               Long timeToFirstTokenMs, Duration quotaResetIn) {

    public ProviderResponse(int httpStatus, JsonNode body, Usage usage, String providerRequestId, long latencyMs,
                            Long timeToFirstTokenMs) {
        this(httpStatus, body, usage, providerRequestId, latencyMs, timeToFirstTokenMs, null);
    }

    /** This answer, noting that the provider reported a quota used up until {@code resetIn} from now. */
    public ProviderResponse withQuotaResetIn(Optional<Duration> resetIn) {
        return resetIn.map(r -> new ProviderResponse(httpStatus, body, usage, providerRequestId, latencyMs,
                timeToFirstTokenMs, r)).orElse(this);
    }

    /** A buffered (not streamed) answer: no time to first token. */
    public ProviderResponse(int httpStatus, JsonNode body, Usage usage, String providerRequestId, long latencyMs) {
        this(httpStatus, body, usage, providerRequestId, latencyMs, null);
    }

    /**
     * Output tokens per second after the first one arrived, for a streamed answer with usage; else null.
     * (The time to the first token is queueing and prompt processing, not generation.)
     */
    public Double outputTokensPerSecond() {
        if (timeToFirstTokenMs == null || usage == null || usage.completionTokens() <= 1) {
            return null;
        }
        long generatingMs = latencyMs - timeToFirstTokenMs;
        return generatingMs <= 0 ? null : (usage.completionTokens() - 1) * 1000.0 / generatingMs;
    }
}
