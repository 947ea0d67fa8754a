package dev.railyard.schema.event;

/** Job states stored in PostgreSQL: {@code queued} until the one terminal outcome is recorded. */
public final class JobState {
    public static final String QUEUED = "queued";

    private JobState() {
    }

    public static boolean terminal(String state) {
        return state != null && !QUEUED.equals(state);
    }
}
