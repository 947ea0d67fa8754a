package dev.railyard.budget.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.schema.MalformedEventException;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The rows one job result becomes: the job's terminal state, every attempt, and a ledger entry per
 * billed attempt. Pure, so the mapping (defaults, which attempts are billed) is tested without a database.
 */
public record ResultProjection(JobRow job, List<AttemptRow> attempts, List<LedgerEntry> ledger) {
    /** Results produced without a tenant belong to the tenant every installation has. */
    public static final String DEFAULT_TENANT = "default";

    /** @param state the outcome's wire name; JSON columns hold JSON text */
    public record JobRow(String id, String tenant, String batchId, String customId, String endpoint, String model,
                         String state, String deploymentId, String responseJson, String errorJson, Long promptTokens,
                         Long completionTokens, BigDecimal cost, int attemptCount, long latencyMs, String resultEventId,
                         Instant finishedAt, String routingJson) {
    }

    public record AttemptRow(String id, String jobId, String deploymentId, String provider, String model, int hop,
                             int tryNumber, Instant startedAt, long latencyMs, Integer httpStatus, Long promptTokens,
                             Long completionTokens, Long cachedPromptTokens, BigDecimal cost, boolean billed,
                             String errorJson) {
    }

    /** @param estimated the provider reported no usage: the tokens (and so the cost) are Railyard's estimate */
    public record LedgerEntry(String attemptId, String jobId, String tenant, String batchId, String model, String provider,
                              String deploymentId, long promptTokens, long completionTokens, long cachedPromptTokens,
                              BigDecimal cost, Instant occurredAt, boolean estimated) {

        /** An entry at the usage the provider reported. */
        public LedgerEntry(String attemptId, String jobId, String tenant, String batchId, String model, String provider,
                           String deploymentId, long promptTokens, long completionTokens, long cachedPromptTokens,
                           BigDecimal cost, Instant occurredAt) {
            this(attemptId, jobId, tenant, batchId, model, provider, deploymentId, promptTokens, completionTokens,
                    cachedPromptTokens, cost, occurredAt, false);
        }
    }

    /**
     * @param recordTime  when the result reached Kafka: the time of a billed attempt that carries no start time
     * @param providerOf  the provider of a deployment, for attempts that do not name theirs
     * @throws MalformedEventException when the result lacks what every row needs (job id, outcome, attempt ids)
     */
    public static ResultProjection of(JobResult r, Instant recordTime, Function<String, Optional<String>> providerOf,
                                      ObjectMapper json) {
        if (r.jobId() == null || r.jobId().isBlank()) {
            throw new MalformedEventException("job_id is missing");
        }
        if (r.outcome() == null) {
            throw new MalformedEventException("outcome is missing");
        }
        String tenant = r.tenant() == null || r.tenant().isBlank() ? DEFAULT_TENANT : r.tenant();
        List<Attempt> attempts = r.attempts() == null ? List.of() : r.attempts();
        Usage usage = r.usage();
        JobRow job = new JobRow(r.jobId(), tenant, r.batchId(), r.customId(), nonNull(r.endpoint()), nonNull(r.model()),
                r.outcome().code(), r.deploymentId(), json(json, r.response()), json(json, r.error()),
                usage == null ? null : usage.promptTokens(), usage == null ? null : usage.completionTokens(),
                r.cost() == null ? BigDecimal.ZERO : r.cost(), attempts.size(), r.latencyMs(), r.eventId(),
                r.occurredAt() == null ? recordTime : r.occurredAt(), json(json, r.routing()));
        List<AttemptRow> attemptRows = new ArrayList<>(attempts.size());
        List<LedgerEntry> ledger = new ArrayList<>();
        for (int i = 0; i < attempts.size(); i++) {
            Attempt a = attempts.get(i);
            if (a == null || a.attemptId() == null || a.attemptId().isBlank()) {
                throw new MalformedEventException("attempts[" + i + "] has no attempt_id");
            }
            Usage u = a.usage() == null ? Usage.NONE : a.usage();
            BigDecimal cost = a.cost() == null ? BigDecimal.ZERO : a.cost();
            String deployment = a.deploymentId() != null ? a.deploymentId() : r.deploymentId();
            String provider = a.provider() != null ? a.provider()
                    : deployment == null ? null : providerOf.apply(deployment).orElse(null);
            attemptRows.add(new AttemptRow(a.attemptId(), r.jobId(), deployment, provider,
                    a.model() != null ? a.model() : r.model(), a.hop(), a.tryNumber(), a.startedAt(), a.latencyMs(),
                    a.httpStatus(), a.usage() == null ? null : u.promptTokens(), a.usage() == null ? null : u.completionTokens(),
                    a.usage() == null ? null : u.cachedPromptTokens(), cost, a.billed(), json(json, a.error())));
            if (a.billed()) {
                // A billed attempt without a deployment or provider cannot be attributed: the ledger's
                // not-null columns reject it and the result is dead-lettered rather than guessed at.
                ledger.add(new LedgerEntry(a.attemptId(), r.jobId(), tenant, r.batchId(),
                        a.model() != null ? a.model() : nonNull(r.model()), provider, deployment,
                        u.promptTokens(), u.completionTokens(), u.cachedPromptTokens(), cost,
                        a.startedAt() != null ? a.startedAt() : job.finishedAt(), u.estimated()));
            }
        }
        return new ResultProjection(job, List.copyOf(attemptRows), List.copyOf(ledger));
    }

    /** Jobs, endpoints and models are not-null columns; a router failure may not know the model. */
    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private static String json(ObjectMapper json, Object value) {
        if (value == null) {
            return null;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("cannot encode " + value.getClass().getSimpleName() + ": " + e.getOriginalMessage());
        }
    }
}
