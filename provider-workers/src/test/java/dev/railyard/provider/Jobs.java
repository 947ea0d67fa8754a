package dev.railyard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.schema.event.JobDispatched;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.RailyardEvent;
import dev.railyard.schema.event.RoutingDecision;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Test events. */
final class Jobs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Jobs() {
    }

    static JsonNode chatBody(String model, String content) {
        ObjectNode body = JSON.createObjectNode().put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", content);
        return body;
    }

    static JobSubmitted chat(String jobId, String model, String content) {
        return new JobSubmitted(RailyardEvent.CURRENT_SCHEMA_VERSION, UUID.randomUUID().toString(), jobId, Instant.now(),
                "tenant-a", "batch-1", "custom-" + jobId, 1, "/v1/chat/completions", model, chatBody(model, content),
                "standard", null, Map.of(), null);
    }

    static JobDispatched dispatched(JobSubmitted job, String deploymentId, String provider, String providerModel) {
        return new JobDispatched(RailyardEvent.CURRENT_SCHEMA_VERSION, UUID.randomUUID().toString(), job.jobId(), Instant.now(),
                job, new RoutingDecision(deploymentId, provider, providerModel, 10, new BigDecimal("0.0001"), List.of(), 1, "test"));
    }
}
