package dev.railyard.schema.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The terminal outcome of a job, on {@code railyard.jobs.results}.
 *
 * @param endpoint  the job's endpoint, e.g. {@code /v1/chat/completions}
 * @param response  the response body in OpenAI shape when succeeded, else null
 * @param model     the model the client asked for
 * @param usage     the usage of the successful attempt (or none)
 * @param cost      the sum of the billed attempts' costs
 * @param attempts  every attempt, in order
 * @param error     the normalised error when not succeeded, else null
 * @param routing   the routing decision of the deployment that produced the outcome (why it ran there), or null
 */
public record JobResult(
        int schemaVersion,
        String eventId,
        String jobId,
        Instant occurredAt,
        String tenant,
        String batchId,
        String customId,
        String endpoint,
        Outcome outcome,
        String model,
        String deploymentId,
        JsonNode response,
        Usage usage,
        BigDecimal cost,
        long latencyMs,
        Long timeToFirstTokenMs,
        List<Attempt> attempts,
        JobError error,
        RoutingDecision routing) implements RailyardEvent {

    /** A result without a routing decision (the job never reached a deployment). */
    public JobResult(int schemaVersion, String eventId, String jobId, Instant occurredAt, String tenant, String batchId,
                     String customId, String endpoint, Outcome outcome, String model, String deploymentId,
                     JsonNode response, Usage usage, BigDecimal cost, long latencyMs, Long timeToFirstTokenMs,
                     List<Attempt> attempts, JobError error) {
        this(schemaVersion, eventId, jobId, occurredAt, tenant, batchId, customId, endpoint, outcome, model, deploymentId,
                response, usage, cost, latencyMs, timeToFirstTokenMs, attempts, error, null);
    }

    public JobResult withRouting(RoutingDecision decision) {
        return new JobResult(schemaVersion, eventId, jobId, occurredAt, tenant, batchId, customId, endpoint, outcome, model,
                deploymentId, response, usage, cost, latencyMs, timeToFirstTokenMs, attempts, error, decision);
    }
}
