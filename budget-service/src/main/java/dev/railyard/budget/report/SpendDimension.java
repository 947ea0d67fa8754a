package dev.railyard.budget.report;

import java.util.Arrays;
import java.util.Optional;

/**
 * What {@code GET /v1/spend} can group by. Each carries the SQL expression it reads, a fixed fragment
 * chosen here and never text from a request.
 */
public enum SpendDimension {
    TENANT("tenant", "l.tenant", false),
    /** The id of the API key the job was submitted with. */
    KEY("key", "j.api_key_id", true),
    MODEL("model", "l.model", false),
    PROVIDER("provider", "l.provider", false),
    DEPLOYMENT("deployment", "l.deployment_id", false),
    BATCH("batch", "l.batch_id", false),
    /** One of the job's {@code metadata.tags} (comma-separated): an entry counts once under each tag. */
    TAG("tag", "t.tag", true),
    PROJECT("project", "j.metadata->>'project'", true);

    private final String code;
    private final String sql;
    private final boolean needsJob;

    SpendDimension(String code, String sql, boolean needsJob) {
        this.code = code;
        this.sql = sql;
        this.needsJob = needsJob;
    }

    /** The name in {@code group_by} and in each row of the response. */
    public String code() {
        return code;
    }

    String sql() {
        return sql;
    }

    /** Whether the ledger entry's job row must be joined to read it. */
    boolean needsJob() {
        return needsJob;
    }

    public static Optional<SpendDimension> of(String code) {
        return Arrays.stream(values()).filter(d -> d.code.equals(code)).findFirst();
    }

    /** Every code, comma-separated, in documentation order. */
    public static String codes() {
        return String.join(", ", Arrays.stream(values()).map(SpendDimension::code).toList());
    }
}
