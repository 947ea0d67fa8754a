package dev.railyard.schema;

import dev.railyard.schema.event.JobSubmitted;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Kafka key and headers of a record on {@code railyard.dispatch.<provider>}, the same for the router's
 * dispatch and a provider worker's re-route (docs/fairness.md).
 *
 * <p>The key is {@code tenant:priority}: different tenants, and one tenant's priority classes, land on
 * different partitions (dispatch topics have at least {@code TopicSetup.MIN_DISPATCH_PARTITIONS}), so a
 * big bulk backlog does not sit in front of anyone else's jobs, nor of its own tenant's interactive ones.
 * Two keys that hash to one partition do share a queue (docs/fairness.md). The price: one tenant's class
 * is one partition, worked by one worker instance at a time — with thousands of calls in flight.
 * A job keeps its key across hops. The headers carry what the workers' fair scheduler reads without
 * decoding the value: the tenant and the normalised priority class.
 */
public final class DispatchRecords {
    public static final String INTERACTIVE = "interactive";
    public static final String STANDARD = "standard";
    public static final String BULK = "bulk";
    /** The priority classes, most urgent first. */
    public static final List<String> PRIORITIES = List.of(INTERACTIVE, STANDARD, BULK);
    private DispatchRecords() {
    }

    public static byte[] key(JobSubmitted job) {
        return key(job.tenant(), job.priority());
    }

    /**
     * @param tenant   the job's tenant, or null (then the key starts with {@code ":"})
     * @param priority the job's priority as requested (normalised here)
     */
    public static byte[] key(String tenant, String priority) {
        return keyText(tenant, priority).getBytes(StandardCharsets.UTF_8);
    }

    static String keyText(String tenant, String priority) {
        return (tenant == null ? "" : tenant) + ":" + priority(priority);
    }

    public static Map<String, byte[]> headers(JobSubmitted job) {
        return headers(job.tenant(), job.priority());
    }

    /**
     * The tenant header (when the tenant is known) and the priority header, in that order; add each to the
     * record's headers. The trace context is the caller's to copy from the record it is handling.
     */
    public static Map<String, byte[]> headers(String tenant, String priority) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        if (tenant != null) {
            headers.put(Headers.TENANT, tenant.getBytes(StandardCharsets.UTF_8));
        }
        headers.put(Headers.PRIORITY, priority(priority).getBytes(StandardCharsets.UTF_8));
        return Collections.unmodifiableMap(headers);
    }

    /** The priority class named by {@code requested} (case and surrounding blanks ignored); standard when null or unknown. */
    public static String priority(String requested) {
        if (requested == null) {
            return STANDARD;
        }
        String normalised = requested.strip().toLowerCase(Locale.ROOT);
        return PRIORITIES.contains(normalised) ? normalised : STANDARD;
    }
}
