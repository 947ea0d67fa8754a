package dev.railyard.schema;

/** Kafka topic names; the public contract between services (DESIGN.md, "Events"). */
public final class Topics {
    public static final String JOBS_SUBMITTED = "railyard.jobs.submitted";
    public static final String JOBS_RESULTS = "railyard.jobs.results";
    public static final String JOBS_DEAD_LETTER = "railyard.jobs.dead-letter";
    public static final String BUDGET_STATE = "railyard.budget.state";
    /** Compacted: the latest {@code DeploymentHealthSnapshot} per deployment and aggregator instance. */
    public static final String DEPLOYMENT_HEALTH = "railyard.deployments.health";
    public static final String DISPATCH_PREFIX = "railyard.dispatch.";

    private Topics() {
    }

    /** The dispatch topic of one provider, e.g. {@code railyard.dispatch.openai}. */
    public static String dispatch(String provider) {
        return DISPATCH_PREFIX + provider;
    }
}
