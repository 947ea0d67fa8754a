package dev.railyard.api.jobs;

import java.util.List;

/** Scheduling classes a job may ask for; batch jobs are {@link #BULK}. */
public final class Priority {
    public static final String INTERACTIVE = "interactive";
    public static final String STANDARD = "standard";
    public static final String BULK = "bulk";
    public static final List<String> ALL = List.of(INTERACTIVE, STANDARD, BULK);

    private Priority() {
    }
}
