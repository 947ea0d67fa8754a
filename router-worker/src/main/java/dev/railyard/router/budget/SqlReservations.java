package dev.railyard.router.budget;

import dev.railyard.schema.db.Transactions;
import dev.railyard.config.BudgetSpec;
import dev.railyard.config.Deployment;
import dev.railyard.config.RailyardConfig;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.RoutingDecision;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reservations in PostgreSQL ({@code budget_windows}, {@code budget_reservations}), one transaction per job.
 * A {@code reject} or {@code defer} budget's window grows only while {@code spent + reserved + amount <= limit}, checked and
 * applied by one conditional UPDATE, so concurrent routers can never overshoot it together. A job whose
 * reservation row already exists (a redelivered record) adds nothing again. Zero-cost jobs and jobs no
 * budget applies to never touch the database. The amount is the decision's estimate plus the prompt framing
 * it leaves out ({@link WorstCase}), so it bounds what the job's call can bill.
 *
 * <p>The budgets come from a {@link BudgetBook} (configuration overlaid by the budget state topic), matched on the
 * job's tenant, API key, {@code metadata.project}, {@code metadata.tags} (comma-separated) and the routed
 * deployment's model and provider. The first budget in id order that cannot hold the job decides: a {@code reject}
 * budget rejects it; a {@code defer} budget holds it in {@code budget_deferrals} (after the reservations are rolled
 * back) for {@link DeferralRelease} to publish again later.
 */
public final class SqlReservations implements Reservations {
    private static final Logger log = LoggerFactory.getLogger(SqlReservations.class);

    static final String INSERT_WINDOW = """
            insert into budget_windows (budget_id, window_start) values (?, ?)
            on conflict (budget_id, window_start) do nothing""";
    static final String INSERT_RESERVATION = """
            insert into budget_reservations (job_id, budget_id, window_start, amount) values (?, ?, ?, ?)
            on conflict (job_id, budget_id) do nothing""";
    static final String RESERVE_WITHIN_LIMIT = """
            update budget_windows set reserved = reserved + ?
            where budget_id = ? and window_start = ? and spent + reserved + ? <= ?""";
    static final String RESERVE = """
            update budget_windows set reserved = reserved + ?
            where budget_id = ? and window_start = ?
            returning spent + reserved > ? and spent + reserved - ? <= ?""";

    static final String HOLD = """
            insert into budget_deferrals (job_id, budget_id, window_start, amount, limit_at_deferral, deadline, deferred_at,
                                          job, record_key, tenant_header)
            values (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
            on conflict (job_id) do nothing""";

    /** The budget that could not hold the job, and its window. */
    private record Refusal(BudgetSpec budget, OffsetDateTime windowStart) {
    }

    private final RailyardConfig config;
    private final BudgetBook budgets;
    private final DataSource dataSource;
    private final Clock clock;
    private final EventCodec codec = new EventCodec();

    /** The configured budgets only (no budget state topic). */
    public SqlReservations(RailyardConfig config, DataSource dataSource, Clock clock) {
        this(config, new BudgetBook(config.budgets()), dataSource, clock);
    }

    /** @param config the deployments and model prices; the budgets come from {@code budgets} */
    public SqlReservations(RailyardConfig config, BudgetBook budgets, DataSource dataSource, Clock clock) {
        this.config = config;
        this.budgets = budgets;
        this.dataSource = dataSource;
        this.clock = clock;
    }

    @Override
    public Reservation reserve(JobSubmitted job, String tenant, byte[] key, RoutingDecision decision) {
        BigDecimal estimate = decision.estimatedCost();
        if (estimate == null || estimate.signum() <= 0) {
            return Reservation.reserved(); // money budgets never block a free model
        }
        Optional<Deployment> deployment = config.deployment(decision.deploymentId());
        if (deployment.isEmpty()) {
            return Reservation.reserved();
        }
        // One lock order for every writer (by budget id; one window each), so concurrent routers never deadlock.
        List<BudgetSpec> matching = budgets.budgetsFor(subject(job, tenant, deployment.get())).stream()
                .sorted(Comparator.comparing(BudgetSpec::id)).toList();
        if (matching.isEmpty()) {
            return Reservation.reserved();
        }
        Instant now = clock.instant();
        // The deployment's own prices when it has them, at their highest from now on (a scheduled increase).
        BigDecimal amount = WorstCase.cost(estimate, job.body(), config.prices(deployment.get()).ceilingFrom(now));
        try {
            return reserve(job, tenant, key, matching, amount, now);
        } catch (SQLException e) {
            throw new BudgetStoreException("could not reserve " + amount + " for job " + job.jobId() + ": " + e.getMessage(), e);
        }
    }

    /** What a budget scope can match on this job. */
    static BudgetSpec.Subject subject(JobSubmitted job, String tenant, Deployment deployment) {
        Map<String, String> metadata = job.metadata() == null ? Map.of() : job.metadata();
        String tags = metadata.get("tags");
        List<String> tagList = tags == null ? List.of()
                : Arrays.stream(tags.split(",")).map(String::strip).filter(t -> !t.isEmpty()).toList();
        return new BudgetSpec.Subject(tenant, job.apiKeyId(), metadata.get("project"), tagList, deployment.model(),
                deployment.provider());
    }

    private Reservation reserve(JobSubmitted job, String tenant, byte[] key, List<BudgetSpec> matching, BigDecimal amount,
                                Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return Transactions.inTransaction(c, tx -> {
                Optional<Refusal> refusal = reserveAll(tx, job.jobId(), matching, amount, now);
                if (refusal.isEmpty()) {
                    return Reservation.reserved();
                }
                tx.rollback(); // nothing of this job stays reserved: every budget or none
                BudgetSpec b = refusal.get().budget();
                String reason = "budget '" + b.id() + "' (" + b.scope().code()
                        + (b.scopeValue() == null ? "" : " " + b.scopeValue()) + ", " + b.period().code() + ", limit $"
                        + b.limitUsd().toPlainString() + ") cannot hold this job's worst-case cost of $"
                        + amount.stripTrailingZeros().toPlainString();
                if (!b.defers()) {
                    return new Reservation.Rejected(reason);
                }
                hold(tx, job, tenant, key, b, refusal.get().windowStart(), amount, now);
                return new Reservation.Deferred(b.id(), reason + "; held until its window resets or its limit is raised");
            });
        }
    }

    /** Holds the job: nothing is reserved for it; a redelivered record finds its row and adds nothing. */
    private void hold(Connection c, JobSubmitted job, String tenant, byte[] key, BudgetSpec b, OffsetDateTime windowStart,
                      BigDecimal amount, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(HOLD)) {
            ps.setString(1, job.jobId());
            ps.setString(2, b.id());
            ps.setObject(3, windowStart, Types.TIMESTAMP_WITH_TIMEZONE);
            ps.setBigDecimal(4, amount);
            ps.setBigDecimal(5, b.limitUsd());
            ps.setObject(6, job.deadline() == null ? null : OffsetDateTime.ofInstant(job.deadline(), ZoneOffset.UTC),
                    Types.TIMESTAMP_WITH_TIMEZONE);
            ps.setObject(7, OffsetDateTime.ofInstant(now, ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
            ps.setString(8, new String(codec.encode(job), StandardCharsets.UTF_8));
            ps.setBytes(9, key);
            ps.setString(10, tenant);
            ps.executeUpdate();
        }
    }

    private static Optional<Refusal> reserveAll(Connection c, String jobId, List<BudgetSpec> budgets, BigDecimal amount,
                                                Instant now) throws SQLException {
        try (PreparedStatement window = c.prepareStatement(INSERT_WINDOW);
             PreparedStatement reservation = c.prepareStatement(INSERT_RESERVATION);
             PreparedStatement checked = c.prepareStatement(RESERVE_WITHIN_LIMIT);
             PreparedStatement unchecked = c.prepareStatement(RESERVE)) {
            for (BudgetSpec b : budgets) {
                OffsetDateTime start = OffsetDateTime.ofInstant(b.period().windowStart(now), ZoneOffset.UTC);
                window.setString(1, b.id());
                window.setObject(2, start, Types.TIMESTAMP_WITH_TIMEZONE);
                window.executeUpdate();
                reservation.setString(1, jobId);
                reservation.setString(2, b.id());
                reservation.setObject(3, start, Types.TIMESTAMP_WITH_TIMEZONE);
                reservation.setBigDecimal(4, amount);
                if (reservation.executeUpdate() == 0) {
                    continue; // reserved when this record was first routed: never add it twice
                }
                if (b.hard()) {
                    checked.setBigDecimal(1, amount);
                    checked.setString(2, b.id());
                    checked.setObject(3, start, Types.TIMESTAMP_WITH_TIMEZONE);
                    checked.setBigDecimal(4, amount);
                    checked.setBigDecimal(5, b.limitUsd());
                    if (checked.executeUpdate() == 0) {
                        return Optional.of(new Refusal(b, start));
                    }
                } else {
                    unchecked.setBigDecimal(1, amount);
                    unchecked.setString(2, b.id());
                    unchecked.setObject(3, start, Types.TIMESTAMP_WITH_TIMEZONE);
                    unchecked.setBigDecimal(4, b.limitUsd());
                    unchecked.setBigDecimal(5, amount);
                    unchecked.setBigDecimal(6, b.limitUsd());
                    try (var rs = unchecked.executeQuery()) {
                        if (rs.next() && rs.getBoolean(1)) { // logged once: by the job that crosses the limit
                            log.warn("job {} takes warn budget '{}' over its limit of ${}", jobId, b.id(), b.limitUsd().toPlainString());
                        }
                    }
                }
            }
            return Optional.empty();
        }
    }
}
