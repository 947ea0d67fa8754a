package dev.railyard.schema;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Delay topics for retries that must wait long (a provider's Retry-After of minutes, a long backoff): the
 * job leaves the worker's hands, waits in Kafka, then returns to its dispatch topic — no thread, in-flight
 * slot or uncommitted offset is held meanwhile. Each tier topic holds records for one fixed time, so its
 * partitions are in due order and only their heads need watching. A wait longer than a tier passes
 * through several; the last few seconds are waited by the worker's timer.
 */
public final class Delays {
    /** Tiers, shortest first. */
    public static final List<Duration> TIERS = List.of(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(5));
    public static final String TOPIC_PREFIX = "railyard.delay.";
    /** Header: epoch milliseconds when the job may run again. */
    public static final String DUE = "railyard.delay.due";
    /** Header: the topic the job returns to when due (its dispatch topic). */
    public static final String TARGET = "railyard.delay.target";

    private Delays() {
    }

    /** e.g. {@code railyard.delay.30s}. */
    public static String topic(Duration tier) {
        long s = tier.toSeconds();
        return TOPIC_PREFIX + (s % 60 == 0 ? s / 60 + "m" : s + "s");
    }

    public static List<String> topics() {
        return TIERS.stream().map(Delays::topic).toList();
    }

    /** The longest tier not longer than {@code remaining}; empty when it is shorter than every tier. */
    public static Optional<Duration> tierFor(Duration remaining) {
        Duration chosen = null;
        for (Duration tier : TIERS) {
            if (tier.compareTo(remaining) <= 0) {
                chosen = tier;
            }
        }
        return Optional.ofNullable(chosen);
    }

    /** The tier a delay topic stands for, if it is one. */
    public static Optional<Duration> tierOf(String topic) {
        return TIERS.stream().filter(t -> topic(t).equals(topic)).findFirst();
    }
}
