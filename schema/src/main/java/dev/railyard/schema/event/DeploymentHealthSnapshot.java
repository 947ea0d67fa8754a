package dev.railyard.schema.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Locale;

/**
 * One health aggregator instance's view of one deployment, on the compacted topic
 * {@code railyard.deployments.health} keyed by {@link #key()}: each instance sees only the results of
 * its partitions, so readers merge the partial views of every instance of a deployment.
 *
 * @param windowStart         the start of the sliding window the counts cover
 * @param updatedAt           when the instance computed this view (readers ignore stale ones)
 * @param requests            attempts in the window
 * @param failures            attempts in the window that failed on the provider's side
 * @param errorRate           failures / requests, 0 when there were none
 * @param latencyP50Ms        median attempt latency in the window, 0 when there were none
 * @param latencyP95Ms        95th percentile attempt latency in the window, 0 when there were none
 * @param ttftP50Ms           median time to first token of streamed results, or null when none reported it
 * @param circuit             the circuit state of this instance's breaker
 * @param openedAt            when the circuit last opened, or null while it never did
 * @param consecutiveFailures provider-side failures since the last success
 */
public record DeploymentHealthSnapshot(
        int schemaVersion,
        String deploymentId,
        String instanceId,
        Instant windowStart,
        Instant updatedAt,
        long requests,
        long failures,
        double errorRate,
        long latencyP50Ms,
        long latencyP95Ms,
        Long ttftP50Ms,
        Circuit circuit,
        Instant openedAt,
        int consecutiveFailures) {

    public static final int CURRENT_SCHEMA_VERSION = 1;

    /** The record key: deployment id and instance id, so each instance's partial view is kept. */
    public String key() {
        return key(deploymentId, instanceId);
    }

    public static String key(String deploymentId, String instanceId) {
        return deploymentId + "|" + instanceId;
    }

    /** A deployment's circuit: closed (normal), open (no new work), half open (a few probe jobs). */
    public enum Circuit {
        CLOSED, OPEN, HALF_OPEN;

        /** The wire name, e.g. {@code half_open}. */
        @JsonValue
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Circuit fromCode(String code) {
            return valueOf(code.toUpperCase(Locale.ROOT));
        }
    }
}
