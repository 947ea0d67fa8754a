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
 * @param timeToFirstTokenMs     from sending the answering call to its first output token, when it was streamed; else null
 * @param outputTokensPerSecond the answering call's output tokens per second after its first token, when it was
 *                              streamed and reported usage; else null (an answer that arrives whole has no rate)
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
        RoutingDecision routing,
        Double outputTokensPerSecond) implements RailyardEvent {

    /** A result with a routing decision but no generation rate (not streamed, or written before the field existed). */
    public JobResult(int schemaVersion, String eventId, String jobId, Instant occurredAt, String tenant, String batchId,
                     String customId, String endpoint, Outcome outcome, String model, String deploymentId,
                     JsonNode response, Usage usage, BigDecimal cost, long latencyMs, Long timeToFirstTokenMs,
                     List<Attempt> attempts, JobError error, RoutingDecision routing) {
        this(schemaVersion, eventId, jobId, occurredAt, tenant, batchId, customId, endpoint, outcome, model, deploymentId,
                response, usage, cost, latencyMs, timeToFirstTokenMs, attempts, error, routing, null);
    }

    /** A result without a routing decision (the job never reached a deployment). */
    public JobResult(int schemaVersion, String eventId, String jobId, Instant occurredAt, String tenant, String batchId,
                     String customId, String endpoint, Outcome outcome, String model, String deploymentId,
                     JsonNode response, Usage usage, BigDecimal cost, long latencyMs, Long timeToFirstTokenMs,
                     List<Attempt> attempts, JobError error) {
        this(schemaVersion, eventId, jobId, occurredAt, tenant, batchId, customId, endpoint, outcome, model, deploymentId,
                response, usage, cost, latencyMs, timeToFirstTokenMs, attempts, error, null, null);
    }

    public JobResult withRouting(RoutingDecision decision) {
        return new JobResult(schemaVersion, eventId, jobId, occurredAt, tenant, batchId, customId, endpoint, outcome, model,
                deploymentId, response, usage, cost, latencyMs, timeToFirstTokenMs, attempts, error, decision,
                outputTokensPerSecond);
    }
}
