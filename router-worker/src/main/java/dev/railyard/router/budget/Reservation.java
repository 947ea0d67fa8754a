package dev.railyard.router.budget;

/** What the reservation step made of a routed job. */
public sealed interface Reservation {

    /** The job's worst case is held on every budget it counts against (or it needs no reservation): dispatch it. */
    record Reserved() implements Reservation {
    }

    /** A {@code reject} budget cannot hold the job: it ends {@code rejected} with {@code budget_exceeded}. */
    record Rejected(String reason) implements Reservation {
    }

    /**
     * A {@code defer} budget cannot hold the job: it is held in {@code budget_deferrals} (nothing reserved) and
     * published again to {@code railyard.jobs.submitted} when the budget can take it ({@link DeferralRelease}).
     */
    record Deferred(String budgetId, String reason) implements Reservation {
    }

    static Reservation reserved() {
        return new Reserved();
    }
}
