package dev.railyard.budget.ledger;

import dev.railyard.schema.db.Transactions;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.schema.webhook.WebhookPayloads;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Writes projected results in one transaction with three JDBC batches (the driver rewrites each into
 * multi-row inserts when the data source sets {@code reWriteBatchedInserts=true}). Idempotent: a job's
 * state only moves from {@code queued} to its first terminal state, attempts and ledger entries are
 * keyed by attempt id, so a redelivered result changes nothing; ledger entries come only from the result
 * that made the job terminal. The same transaction settles the job's budget reservations ({@link Settlements})
 * and records the webhook events of jobs with a callback URL ({@link WebhookOutbox}).
 */
public final class LedgerWriter {
    static final String UPSERT_JOB = """
            insert into jobs (id, tenant, batch_id, custom_id, endpoint, model, state, deployment_id, response, error,
                              prompt_tokens, completion_tokens, cost, attempt_count, latency_ms, result_event_id, finished_at,
                              routing)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
            on conflict (id) do update set state = excluded.state, deployment_id = excluded.deployment_id,
                response = excluded.response, error = excluded.error, prompt_tokens = excluded.prompt_tokens,
                completion_tokens = excluded.completion_tokens, cost = excluded.cost,
                attempt_count = excluded.attempt_count, latency_ms = excluded.latency_ms,
                result_event_id = excluded.result_event_id, finished_at = excluded.finished_at,
                routing = coalesce(excluded.routing, jobs.routing)
            where jobs.state = 'queued'""";
    static final String INSERT_ATTEMPT = """
            insert into attempts (id, job_id, deployment_id, provider, model, hop, try_number, started_at, latency_ms,
                                  http_status, prompt_tokens, completion_tokens, cached_prompt_tokens, cost, billed, error)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
            on conflict (id) do nothing""";
    static final String INSERT_LEDGER = """
            insert into spend_ledger (attempt_id, job_id, tenant, batch_id, model, provider, deployment_id, prompt_tokens,
                                      completion_tokens, cached_prompt_tokens, cost, estimated, occurred_at)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (attempt_id) do nothing""";

    private final DataSource dataSource;
    private final SettlementListener listener;
    private final SpendMeter spend;
    private final WebhookOutbox webhooks = new WebhookOutbox(new WebhookPayloads(new ObjectMapper()));

    public LedgerWriter(DataSource dataSource) {
        this(dataSource, SettlementListener.NONE);
    }

    /** @param listener told, inside the transaction, about the budget windows it settled (alerts, budget state) */
    public LedgerWriter(DataSource dataSource, SettlementListener listener) {
        this(dataSource, listener, SpendMeter.none());
    }

    /** @param spend counts the ledger entries each commit added */
    public LedgerWriter(DataSource dataSource, SettlementListener listener, SpendMeter spend) {
        this.dataSource = dataSource;
        this.listener = listener;
        this.spend = spend;
    }

    /** Writes all results or none. Within the list, the first result of a job is the one that counts. */
    public void write(List<ResultProjection> results) throws SQLException {
        if (results.isEmpty()) {
            return;
        }
        // One multi-row upsert may not touch a row twice, so duplicates are dropped here: first wins,
        // as it would across transactions.
        Map<String, ResultProjection> winners = new LinkedHashMap<>();
        Map<String, ResultProjection.AttemptRow> attempts = new LinkedHashMap<>();
        for (ResultProjection r : results) {
            winners.putIfAbsent(r.job().id(), r);
            r.attempts().forEach(a -> attempts.putIfAbsent(a.id(), a));
        }
        Runnable afterCommit;
        List<ResultProjection.LedgerEntry> added = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            afterCommit = Transactions.inTransaction(c, tx -> {
                // Only the result that makes a job terminal is billed: a repeated call after a crash is
                // recorded as an attempt, never billed twice. One consumer owns a job's partition, so the
                // state read here is not raced by another writer of the same job.
                Set<String> alreadyTerminal = terminalJobs(tx, winners.keySet());
                List<ResultProjection.LedgerEntry> ledger = new ArrayList<>();
                Map<String, BigDecimal> billed = new LinkedHashMap<>();
                for (ResultProjection r : winners.values()) {
                    BigDecimal cost = BigDecimal.ZERO;
                    if (!alreadyTerminal.contains(r.job().id())) {
                        ledger.addAll(r.ledger());
                        for (ResultProjection.LedgerEntry e : r.ledger()) {
                            cost = cost.add(e.cost());
                        }
                    }
                    billed.put(r.job().id(), cost);
                }
                upsertJobs(tx, winners.values().stream().map(ResultProjection::job).toList());
                // Webhook events commit with the terminal state they announce: never sent before it is readable.
                webhooks.jobsEnded(tx, winners.keySet().stream().filter(id -> !alreadyTerminal.contains(id)).toList());
                insertAttempts(tx, attempts.values());
                // Entries already in the ledger (an earlier delivery's) are skipped here and by the insert's
                // on-conflict guard alike; what is left is what this commit adds, and only that is counted.
                added.clear();
                added.addAll(notYetRecorded(tx, ledger));
                insertLedger(tx, added);
                // The router's reservations for these jobs settle with what the ledger billed (often 0 for a
                // failed, expired or rejected job), in this same transaction: spend is never counted twice.
                List<SettledWindow> settled = Settlements.settle(tx, billed);
                return settled.isEmpty() ? null : listener.settled(tx, settled);
            });
        }
        spend.added(added);
        if (afterCommit != null) {
            afterCommit.run();
        }
    }

    private static List<ResultProjection.LedgerEntry> notYetRecorded(Connection c, List<ResultProjection.LedgerEntry> entries)
            throws SQLException {
        if (entries.isEmpty()) {
            return entries;
        }
        Set<String> recorded = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("select attempt_id from spend_ledger where attempt_id = any(?)")) {
            ps.setArray(1, c.createArrayOf("text", entries.stream().map(ResultProjection.LedgerEntry::attemptId).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    recorded.add(rs.getString(1));
                }
            }
        }
        if (recorded.isEmpty()) {
            return entries;
        }
        return entries.stream().filter(e -> !recorded.contains(e.attemptId())).toList();
    }

    private static Set<String> terminalJobs(Connection c, Collection<String> jobIds) throws SQLException {
        Set<String> terminal = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("select id from jobs where id = any(?) and state <> 'queued'")) {
            ps.setArray(1, c.createArrayOf("text", jobIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    terminal.add(rs.getString(1));
                }
            }
        }
        return terminal;
    }

    private static void upsertJobs(Connection c, Collection<ResultProjection.JobRow> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPSERT_JOB)) {
            for (ResultProjection.JobRow j : rows) {
                ps.setString(1, j.id());
                ps.setString(2, j.tenant());
                ps.setString(3, j.batchId());
                ps.setString(4, j.customId());
                ps.setString(5, j.endpoint());
                ps.setString(6, j.model());
                ps.setString(7, j.state());
                ps.setString(8, j.deploymentId());
                ps.setString(9, j.responseJson());
                ps.setString(10, j.errorJson());
                ps.setObject(11, j.promptTokens(), Types.BIGINT);
                ps.setObject(12, j.completionTokens(), Types.BIGINT);
                ps.setBigDecimal(13, j.cost());
                ps.setInt(14, j.attemptCount());
                ps.setLong(15, j.latencyMs());
                ps.setString(16, j.resultEventId());
                ps.setObject(17, timestamp(j.finishedAt()), Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setString(18, j.routingJson());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertAttempts(Connection c, Collection<ResultProjection.AttemptRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_ATTEMPT)) {
            for (ResultProjection.AttemptRow a : rows) {
                ps.setString(1, a.id());
                ps.setString(2, a.jobId());
                ps.setString(3, a.deploymentId());
                ps.setString(4, a.provider());
                ps.setString(5, a.model());
                ps.setInt(6, a.hop());
                ps.setInt(7, a.tryNumber());
                ps.setObject(8, timestamp(a.startedAt()), Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setLong(9, a.latencyMs());
                ps.setObject(10, a.httpStatus(), Types.INTEGER);
                ps.setObject(11, a.promptTokens(), Types.BIGINT);
                ps.setObject(12, a.completionTokens(), Types.BIGINT);
                ps.setObject(13, a.cachedPromptTokens(), Types.BIGINT);
                ps.setBigDecimal(14, a.cost());
                ps.setBoolean(15, a.billed());
                ps.setString(16, a.errorJson());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertLedger(Connection c, Collection<ResultProjection.LedgerEntry> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_LEDGER)) {
            for (ResultProjection.LedgerEntry e : rows) {
                ps.setString(1, e.attemptId());
                ps.setString(2, e.jobId());
                ps.setString(3, e.tenant());
                ps.setString(4, e.batchId());
                ps.setString(5, e.model());
                ps.setString(6, e.provider());
                ps.setString(7, e.deploymentId());
                ps.setLong(8, e.promptTokens());
                ps.setLong(9, e.completionTokens());
                ps.setLong(10, e.cachedPromptTokens());
                ps.setBigDecimal(11, e.cost());
                ps.setBoolean(12, e.estimated());
                ps.setObject(13, timestamp(e.occurredAt()), Types.TIMESTAMP_WITH_TIMEZONE);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

}
