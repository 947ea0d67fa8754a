package dev.railyard.router.policy;

import dev.railyard.config.RouteSpec;
import dev.railyard.schema.event.JobSubmitted;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * Sticky weighted assignment: a job attribute's value is hashed (with the route's name, so two routes
 * split independently) to a point in [0, 1), and the variants share [0, 1) by weight in configuration
 * order. The same value always gets the same variant, on every router instance and after restarts.
 */
public final class StickySplit {
    private StickySplit() {
    }

    /** The attribute value the split is keyed by, if the job has it. */
    public static Optional<String> key(RouteSpec.Split split, JobSubmitted job) {
        String value = switch (split.by()) {
            case RouteSpec.Split.BY_TENANT -> job.tenant();
            case RouteSpec.Split.BY_JOB_ID -> job.jobId();
            default -> split.metadataKey().flatMap(k -> Optional.ofNullable(job.metadata()).map(m -> m.get(k))).orElse(null);
        };
        return Optional.ofNullable(value).filter(v -> !v.isEmpty());
    }

    /** The variant for an attribute value. */
    public static RouteSpec.Variant assign(String route, List<RouteSpec.Variant> variants, String value) {
        double total = variants.stream().mapToDouble(RouteSpec.Variant::weight).sum();
        double point = unitHash(route + '\u0000' + value) * total;
        double upTo = 0;
        for (RouteSpec.Variant v : variants) {
            upTo += v.weight();
            if (point < upTo) {
                return v;
            }
        }
        return variants.get(variants.size() - 1); // rounding at the very top of the range
    }

    /** A uniform point in [0, 1) from SHA-256: stable across JVMs, unlike String.hashCode's weak mixing. */
    static double unitHash(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            long bits = ByteBuffer.wrap(digest).getLong() >>> 11; // 53 bits: exactly representable in a double
            return bits / (double) (1L << 53);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
