package dev.railyard.api.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.railyard.schema.event.Outcome;
import java.math.BigDecimal;

/** Renders a job for {@code GET /v1/jobs/{id}}; unset fields are omitted, never null. */
public final class JobView {
    private final ObjectMapper mapper;

    public JobView(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ObjectNode render(JobRow job) {
        ObjectNode out = mapper.createObjectNode();
        out.put("id", job.id());
        out.put("object", "job");
        out.put("status", job.state());
        putIfSet(out, "model", job.model());
        putIfSet(out, "endpoint", job.endpoint());
        putIfSet(out, "batch_id", job.batchId());
        putIfSet(out, "custom_id", job.customId());
        if (job.createdAt() != null) {
            out.put("created_at", job.createdAt().getEpochSecond());
        }
        if (job.finishedAt() != null) {
            out.put("completed_at", job.finishedAt().getEpochSecond());
        }
        if (job.responseJson() != null) {
            out.putRawValue("response", new RawValue(job.responseJson()));
        }
        if (job.errorJson() != null || isFailure(job.state())) {
            StoredError error = StoredError.of(mapper, job.errorJson(), job.state());
            ObjectNode e = out.putObject("error");
            e.put("code", error.code());
            e.put("message", error.message());
            if (error.httpStatus() != null) {
                e.put("http_status", error.httpStatus());
            }
        }
        if (job.promptTokens() != null || job.completionTokens() != null) {
            long prompt = job.promptTokens() == null ? 0 : job.promptTokens();
            long completion = job.completionTokens() == null ? 0 : job.completionTokens();
            out.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", completion)
                    .put("total_tokens", prompt + completion);
        }
        if (job.cost() != null) {
            out.put("cost", plain(job.cost()));
        }
        out.put("attempts", job.attempts());
        putIfSet(out, "deployment_id", job.deploymentId());
        if (job.metadataJson() != null) {
            out.putRawValue("metadata", new RawValue(job.metadataJson()));
        }
        if (job.routingJson() != null) {
            out.putRawValue("routing", new RawValue(job.routingJson()));
        }
        return out;
    }

    /** One attempt for {@code GET /v1/jobs/{id}/attempts}; unset fields are omitted. */
    public ObjectNode render(AttemptRow a) {
        ObjectNode out = mapper.createObjectNode();
        out.put("id", a.id());
        out.put("object", "job.attempt");
        putIfSet(out, "deployment_id", a.deploymentId());
        putIfSet(out, "provider", a.provider());
        putIfSet(out, "model", a.model());
        out.put("hop", a.hop());
        out.put("try", a.tryNumber());
        if (a.startedAt() != null) {
            out.put("started_at", a.startedAt().toString());
        }
        if (a.latencyMs() != null) {
            out.put("latency_ms", a.latencyMs());
        }
        if (a.httpStatus() != null) {
            out.put("http_status", a.httpStatus());
        }
        if (a.promptTokens() != null || a.completionTokens() != null) {
            long prompt = a.promptTokens() == null ? 0 : a.promptTokens();
            long completion = a.completionTokens() == null ? 0 : a.completionTokens();
            out.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", completion)
                    .put("total_tokens", prompt + completion);
        }
        out.put("cost", plain(a.cost() == null ? BigDecimal.ZERO : a.cost()));
        out.put("billed", a.billed());
        if (a.errorJson() != null) {
            out.putRawValue("error", new RawValue(a.errorJson()));
        }
        return out;
    }

    /** Exact and short: {@code 0.000150000000} → {@code "0.00015"}, zero → {@code "0"}. */
    static String plain(BigDecimal cost) {
        return cost.signum() == 0 ? "0" : cost.stripTrailingZeros().toPlainString();
    }

    /** Every terminal outcome but success: failed, rejected, cancelled, expired. */
    public static boolean isFailure(String state) {
        for (Outcome outcome : Outcome.values()) {
            if (outcome != Outcome.SUCCEEDED && outcome.code().equals(state)) {
                return true;
            }
        }
        return false;
    }

    private static void putIfSet(ObjectNode out, String field, String value) {
        if (value != null) {
            out.put(field, value);
        }
    }
}
