package dev.railyard.provider.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;

/**
 * Where token buckets live. {@link PostgresBucketStore} shares them between every worker instance;
 * {@link LocalBucketStore} keeps them in this JVM (one process, or tests of the admission logic).
 * Calls on the buckets may block (JDBC): make them from a virtual thread, never an event loop.
 */
public interface BucketStore {
    /** The bucket with this id, created with {@code configuration} the first time anyone asks for it. */
    Bucket bucket(String id, BucketConfiguration configuration);
}
