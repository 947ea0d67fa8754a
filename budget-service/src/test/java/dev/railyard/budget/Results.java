package dev.railyard.budget;

import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Builds result events for tests. */
public final class Results {
    public static final Instant T0 = Instant.parse("2025-03-04T05:06:07.123456Z");

    private Results() {
    }

    public static Attempt billed(String jobId, int hop, int tryNumber, String deployment, String provider, String model,
                                 long prompt, long completion, String cost) {
        return new Attempt(Attempt.id(jobId, hop, tryNumber), deployment, provider, model, hop, tryNumber,
                T0.plusSeconds(hop * 10L + tryNumber), 120, 200, new Usage(prompt, completion, 0), new BigDecimal(cost), true, null);
    }

    public static Attempt rateLimited(String jobId, int hop, int tryNumber, String deployment, String provider, String model) {
        return new Attempt(Attempt.id(jobId, hop, tryNumber), deployment, provider, model, hop, tryNumber,
                T0.plusSeconds(hop * 10L + tryNumber), 30, 429, null, BigDecimal.ZERO, false,
                new JobError(ErrorType.RATE_LIMITED, "slow down", 429, "{\"error\":{}}", "req-1"));
    }

    /** A succeeded result whose cost is the sum of its billed attempts. */
    public static JobResult succeeded(String jobId, String tenant, String batchId, String model, List<Attempt> attempts,
                                      String responseText) {
        BigDecimal cost = attempts.stream().filter(Attempt::billed).map(Attempt::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
        Attempt last = attempts.get(attempts.size() - 1);
        return new JobResult(1, UUID.randomUUID().toString(), jobId, T0.plusSeconds(60), tenant, batchId, "custom-" + jobId,
                "/v1/chat/completions", Outcome.SUCCEEDED, model, last.deploymentId(),
                new com.fasterxml.jackson.databind.node.JsonNodeFactory(false).objectNode()
                        .put("id", "chatcmpl-1").put("object", "chat.completion").put("content", responseText),
                last.usage(), cost, 900, null, attempts, null);
    }

    public static JobResult failed(String jobId, String tenant, String model, List<Attempt> attempts, ErrorType type) {
        BigDecimal cost = attempts.stream().filter(Attempt::billed).map(Attempt::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
        return new JobResult(1, UUID.randomUUID().toString(), jobId, T0.plusSeconds(90), tenant, null, null,
                "/v1/chat/completions", Outcome.FAILED, model, null, null, Usage.NONE, cost, 500, null, attempts,
                new JobError(type, "it failed", 500, "{\"error\":\"boom\"}", null));
    }
}
