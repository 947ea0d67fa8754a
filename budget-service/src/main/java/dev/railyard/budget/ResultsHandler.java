package dev.railyard.budget;

import dev.railyard.budget.ledger.LedgerWriter;
import dev.railyard.budget.ledger.ResultProjection;
import dev.railyard.budget.ledger.SqlErrors;
import dev.railyard.kafka.BatchHandler;
import dev.railyard.kafka.DeadLetters;
import dev.railyard.kafka.trace.JobMdc;
import dev.railyard.kafka.trace.JobTracing;
import dev.railyard.kafka.trace.TraceAttributes;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.MalformedEventException;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobResult;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one polled batch of results in one transaction, on the calling (poll) thread. Records that
 * cannot be read, or that the database rejects, are dead-lettered; when the batch transaction is
 * rejected, the results are written one per transaction to find the ones at fault. A database that is
 * unwell fails the stage, and the loop retries the whole batch later: every write is idempotent. Each result is
 * recorded in a "ledger" span, the child of the trace context its record carries (docs/observability.md).
 */
final class ResultsHandler implements BatchHandler {
    static final String STAGE = "budget-service";
    private static final Logger log = LoggerFactory.getLogger(ResultsHandler.class);

    private record Decoded(ConsumerRecord<byte[], byte[]> record, ResultProjection projection, JobResult result, Span span) {
    }

    private record Rejected(ConsumerRecord<byte[], byte[]> record, String reason) {
    }

    private final EventCodec codec;
    private final LedgerWriter writer;
    private final DeadLetters deadLetters;
    private final Function<String, Optional<String>> providerOf;
    private final JobTracing tracing;

    ResultsHandler(EventCodec codec, LedgerWriter writer, DeadLetters deadLetters, Function<String, Optional<String>> providerOf) {
        this(codec, writer, deadLetters, providerOf, JobTracing.noop());
    }

    ResultsHandler(EventCodec codec, LedgerWriter writer, DeadLetters deadLetters, Function<String, Optional<String>> providerOf,
                   JobTracing tracing) {
        this.tracing = tracing;
        this.codec = codec;
        this.writer = writer;
        this.deadLetters = deadLetters;
        this.providerOf = providerOf;
    }

    @Override
    public CompletionStage<Void> handle(List<ConsumerRecord<byte[], byte[]>> records) {
        List<Decoded> decoded = new ArrayList<>(records.size());
        List<Rejected> malformed = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                JobResult result = codec.decode(record.value(), JobResult.class);
                decoded.add(new Decoded(record, ResultProjection.of(result, Instant.ofEpochMilli(record.timestamp()),
                        providerOf, codec.mapper()), result, ledgerSpan(record, result)));
            } catch (MalformedEventException e) {
                malformed.add(new Rejected(record, e.getMessage()));
            } catch (RuntimeException e) {
                malformed.add(new Rejected(record, "cannot read the result: " + e));
            }
        }
        List<Rejected> refused;
        try {
            refused = write(decoded);
        } catch (SQLException | RuntimeException e) {
            decoded.forEach(d -> d.span().setStatus(StatusCode.ERROR, "ledger write failed; the batch is retried").end());
            // Nothing was dead-lettered yet, so the retried batch produces no duplicate dead letters.
            return CompletableFuture.failedFuture(e);
        }
        for (Decoded d : decoded) {
            if (refused.stream().noneMatch(r -> r.record() == d.record())) {
                recorded(d);
            }
            d.span().end();
        }
        List<CompletableFuture<?>> sends = new ArrayList<>();
        malformed.forEach(r -> sends.add(deadLetters.publish(r.record(), STAGE, ErrorType.MALFORMED_RECORD, r.reason(), null)));
        refused.forEach(r -> sends.add(deadLetters.publish(r.record(), STAGE, ErrorType.MALFORMED_RECORD, r.reason(), null)));
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new));
    }

    private Span ledgerSpan(ConsumerRecord<byte[], byte[]> record, JobResult result) {
        Span span = TraceAttributes.job(tracing.consume("ledger", record), result.jobId(), result.batchId(), result.tenant());
        span.setAttribute(TraceAttributes.OUTCOME, result.outcome().name().toLowerCase(java.util.Locale.ROOT));
        span.setAttribute(TraceAttributes.COST_USD, result.cost() == null ? "0" : result.cost().toPlainString());
        return span;
    }

    private static void recorded(Decoded d) {
        if (log.isDebugEnabled()) {
            JobResult r = d.result();
            try (JobMdc m = JobMdc.of(r.jobId(), r.batchId(), r.tenant(), d.span().getSpanContext())) {
                log.debug("recorded {} result, cost {} over {} attempt(s)", r.outcome(),
                        r.cost() == null ? "0" : r.cost().toPlainString(), r.attempts() == null ? 0 : r.attempts().size());
            }
        }
    }

    /** Returns the results the database refused; throws when it failed for any other reason. */
    private List<Rejected> write(List<Decoded> decoded) throws SQLException {
        try {
            writer.write(decoded.stream().map(Decoded::projection).toList());
            return List.of();
        } catch (SQLException e) {
            if (!SqlErrors.rejectsData(e)) {
                throw e;
            }
            log.warn("batch of {} results rejected ({}); writing them one by one", decoded.size(), SqlErrors.describe(e));
        }
        List<Rejected> refused = new ArrayList<>();
        for (Decoded d : decoded) {
            try {
                writer.write(List.of(d.projection()));
            } catch (SQLException e) {
                if (!SqlErrors.rejectsData(e)) {
                    throw e;
                }
                refused.add(refusal(d, e));
            }
        }
        return refused;
    }

    private static Rejected refusal(Decoded d, SQLException e) {
        d.span().setStatus(StatusCode.ERROR, "rejected by the database");
        try (JobMdc m = JobMdc.of(d.result().jobId(), d.result().batchId(), d.result().tenant(), d.span().getSpanContext())) {
            log.warn("result of job {} ({}-{}@{}) rejected by the database: {}", d.projection().job().id(),
                    d.record().topic(), d.record().partition(), d.record().offset(), SqlErrors.describe(e));
        }
        return new Rejected(d.record(), "database rejected the result: " + SqlErrors.describe(e));
    }
}
