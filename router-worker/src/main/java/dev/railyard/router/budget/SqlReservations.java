package dev.railyard.router.budget;

import dev.railyard.config.BudgetSpec;
import dev.railyard.config.Deployment;
import dev.railyard.config.RailyardConfig;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.RoutingDecision;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reservations in PostgreSQL ({@code budget_windows}, {@code budget_reservations}), one transaction per job.
 * A {@code reject} budget's window grows only while {@code spent + reserved + amount <= limit}, checked and
 * applied by one conditional UPDATE, so concurrent routers can never overshoot it together. A job whose
 * reservation row already exists (a redelivered record) adds nothing again. Zero-cost jobs and jobs no
 * budget applies to never touch the database. The amount is the decision's estimate plus the prompt framing
 * it leaves out ({@link WorstCase}), so it bounds what the job's call can bill.
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

    private final RailyardConfig config;
    private final DataSource dataSource;
    private final Clock clock;

    public SqlReservations(RailyardConfig config, DataSource dataSource, Clock clock) {
        this.config = config;
        this.dataSource = dataSource;
        this.clock = clock;
    }

    @Override
    public Optional<String> reserve(JobSubmitted job, String tenant, RoutingDecision decision) {
        BigDecimal estimate = decision.estimatedCost();
        if (estimate == null || estimate.signum() <= 0) {
            return Optional.empty(); // money budgets never block a free model
        }
        Optional<Deployment> deployment = config.deployment(decision.deploymentId());
        if (deployment.isEmpty()) {
            return Optional.empty();
        }
        BigDecimal amount = WorstCase.cost(estimate, job.body(), config.model(deployment.get().model()).orElseThrow());
        // One lock order for every writer (by budget id; one window each), so concurrent routers never deadlock.
        List<BudgetSpec> budgets = config.budgetsFor(tenant, deployment.get()).stream()
                .sorted(Comparator.comparing(BudgetSpec::id)).toList();
        if (budgets.isEmpty()) {
            return Optional.empty();
        }
        try {
            return reserve(job.jobId(), budgets, amount, clock.instant());
        } catch (SQLException e) {
            throw new BudgetStoreException("could not reserve " + amount + " for job " + job.jobId() + ": " + e.getMessage(), e);
        }
    }

    private Optional<String> reserve(String jobId, List<BudgetSpec> budgets, BigDecimal amount, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Optional<String> refusal = reserveAll(c, jobId, budgets, amount, now);
                if (refusal.isPresent()) {
                    c.rollback();
                } else {
                    c.commit();
                }
                return refusal;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static Optional<String> reserveAll(Connection c, String jobId, List<BudgetSpec> budgets, BigDecimal amount,
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
                if (b.rejects()) {
                    checked.setBigDecimal(1, amount);
                    checked.setString(2, b.id());
                    checked.setObject(3, start, Types.TIMESTAMP_WITH_TIMEZONE);
                    checked.setBigDecimal(4, amount);
                    checked.setBigDecimal(5, b.limitUsd());
                    if (checked.executeUpdate() == 0) {
                        return Optional.of("budget '" + b.id() + "' (" + b.scope().code()
                                + (b.scopeValue() == null ? "" : " " + b.scopeValue()) + ", " + b.period().code() + ", limit $"
                                + b.limitUsd().toPlainString() + ") cannot hold this job's worst-case cost of $"
                                + amount.stripTrailingZeros().toPlainString());
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
