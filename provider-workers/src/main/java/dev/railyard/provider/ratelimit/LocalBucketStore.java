package dev.railyard.provider.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucketBuilder;
import java.util.concurrent.ConcurrentHashMap;

/** Buckets in this JVM's memory: limits hold for this process only. */
public final class LocalBucketStore implements BucketStore {
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final TimeMeter time;

    public LocalBucketStore() {
        this(TimeMeter.SYSTEM_MILLISECONDS);
    }

    /** @param time the clock refills are computed from (a manual one in tests) */
    public LocalBucketStore(TimeMeter time) {
        this.time = time;
    }

    @Override
    public Bucket bucket(String id, BucketConfiguration configuration) {
        return buckets.computeIfAbsent(id, k -> {
            LocalBucketBuilder builder = Bucket.builder().withCustomTimePrecision(time);
            for (var bandwidth : configuration.getBandwidths()) {
                builder.addLimit(bandwidth);
            }
            return builder.build();
        });
    }
}
