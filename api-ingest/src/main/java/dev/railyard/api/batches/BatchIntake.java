package dev.railyard.api.batches;

import dev.railyard.api.Ids;
import dev.railyard.api.http.ApiException;
import dev.railyard.api.jobs.JobPublisher;
import dev.railyard.api.jobs.NewJob;
import dev.railyard.api.jobs.Priority;
import dev.railyard.kafka.trace.TraceAttributes;
import dev.railyard.schema.event.Endpoint;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import java.io.IOException;
import java.io.Reader;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Accepts one batch input: parses it, stores the batch with all its jobs in one transaction, then hands
 * every {@code JobSubmitted} to the producer. Blocking up to the hand-off: call off the event loop.
 */
public final class BatchIntake {
    /** How many rejected lines a failed batch lists inline; all of them are in its error file. */
    static final int INLINE_ERRORS = 100;
    private static final Pattern WINDOW = Pattern.compile("([1-9][0-9]{0,3})h");

    private final BatchInputParser parser;
    private final BatchStore store;
    private final JobPublisher publisher;
    private final Ids ids;
    private final Clock clock;

    public BatchIntake(BatchInputParser parser, BatchStore store, JobPublisher publisher, Ids ids, Clock clock) {
        this.parser = parser;
        this.store = store;
        this.publisher = publisher;
        this.ids = ids;
        this.clock = clock;
    }

    /**
     * @param jobs   how many jobs the batch has
     * @param report what Kafka said about their records
     */
    public record Accepted(BatchObject batch, int jobs, JobPublisher.Report report) {
    }

    /**
     * @param endpoint the endpoint every line must use, or null to allow both
     * @param window   the completion window, e.g. {@code 24h}
     * @return completes once Kafka acknowledged or refused every record; the batch is stored by then
     * @throws ApiException for parameters or an input that cannot be a batch (nothing is stored)
     */
    public CompletableFuture<Accepted> accept(String tenant, String apiKeyId, String input, String endpoint, String window,
                                              String callbackUrl) throws SQLException, IOException {
        return accept(tenant, apiKeyId, input, endpoint, window, callbackUrl, null);
    }

    /** The same, for an input also kept as the file {@code inputFileId} (the batch's {@code input_file_id}). */
    public CompletableFuture<Accepted> accept(String tenant, String apiKeyId, String input, String endpoint, String window,
                                              String callbackUrl, String inputFileId) throws SQLException, IOException {
        return accept(tenant, ids.batchId(), sink -> parser.parse(input, endpoint, sink), endpoint, window, inputFileId, null,
                apiKeyId, callbackUrl);
    }

    /**
     * A batch of requests already read and checked by another API's edge (the Anthropic Message Batches API), under
     * the id that API gives it; stored and announced like any other batch, so routing, budgets and retries are the same.
     *
     * @param lines valid lines only, with unique custom ids
     */
    public CompletableFuture<Accepted> acceptLines(String tenant, String apiKeyId, String batchId, List<BatchLine> lines,
                                                   String endpoint, String window) throws SQLException, IOException {
        return accept(tenant, batchId, sink -> {
            lines.forEach(sink);
            return new ParsedBatch(endpoint, lines.size(), List.of());
        }, endpoint, window, null, null, apiKeyId, null);
    }

    /**
     * A batch from an uploaded file ({@code POST /v1/batches} with {@code input_file_id}), read as it is parsed.
     * Problems of the whole file are 400s naming {@code input_file_id}.
     *
     * @param metadataJson the batch's metadata as a JSON object, or null
     * @param callbackUrl  where the batch's webhook goes (docs/webhooks.md), or null
     */
    public CompletableFuture<Accepted> acceptFile(String tenant, String apiKeyId, String fileId, Reader input, String endpoint,
                                                  String window, String metadataJson, String callbackUrl)
            throws SQLException, IOException {
        return accept(tenant, ids.batchId(), sink -> {
            try {
                return parser.parse(input, endpoint, sink);
            } catch (ApiException e) {
                throw new ApiException(e.status(), e.code(), "input_file_id", "input file " + fileId + ": " + e.getMessage());
            }
        }, endpoint, window, fileId, metadataJson, apiKeyId, callbackUrl);
    }

    /** Parses a batch input, handing each valid line to the sink. */
    private interface Input {
        ParsedBatch parse(Consumer<BatchLine> sink) throws IOException;
    }

    private CompletableFuture<Accepted> accept(String tenant, String batchId, Input input, String endpoint, String window, String fileId,
                                               String metadataJson, String apiKeyId, String callbackUrl)
            throws SQLException, IOException {
        Duration windowLength = completionWindow(window);
        if (endpoint != null && Endpoint.fromPath(endpoint).isEmpty()) {
            throw ApiException.invalid("invalid_value", "endpoint",
                    "endpoint must be /v1/chat/completions or /v1/embeddings, got '" + endpoint + "'");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant expires = now.plus(windowLength);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Span span = publisher.batchSpan(batchId, tenant);
        BatchObject batch;
        try {
            batch = store(tenant, input, new Header(batchId, endpoint, window, fileId, metadataJson, apiKeyId, callbackUrl),
                    now, expires, records, span.getSpanContext());
        } catch (SQLException | IOException | RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName()).end();
            throw e;
        }
        span.setAttribute(TraceAttributes.BATCH_JOBS, (long) records.size());
        // Only committed jobs are announced: a consumer never sees a job the database lacks.
        return publisher.send(records).thenApply(report -> new Accepted(batch, records.size(), report))
                .whenComplete((accepted, error) -> span.end());
    }

    /** What the batch row gets besides its counts and times; {@code apiKeyId} (or null) goes on every job. */
    private record Header(String batchId, String endpoint, String window, String inputFileId, String metadataJson,
                          String apiKeyId, String callbackUrl) {
    }

    /**
     * Parses and stores in one pass: each valid line is written to the COPY stream (PostgreSQL ingests it
     * meanwhile, on its own core) and encoded as its Kafka record; the batch row follows at the end.
     */
    private BatchObject store(String tenant, Input input, Header header, Instant now, Instant expires,
                              List<ProducerRecord<byte[], byte[]>> records, SpanContext batchSpan) throws SQLException, IOException {
        String batchId = header.batchId();
        try (BatchWriter writer = store.begin()) {
            ParsedBatch parsed;
            try {
                parsed = input.parse(line -> {
                    NewJob job = new NewJob(ids.jobId(), tenant, batchId, line.customId(), line.lineNumber(), line.url(),
                            line.model(), line.bodyJson(), Priority.BULK, null, null, expires, now, header.apiKeyId());
                    try {
                        writer.job(job);
                    } catch (SQLException | IOException e) {
                        throw new StoreFailure(e);
                    }
                    records.add(publisher.record(job, batchSpan));
                });
            } catch (StoreFailure e) {
                if (e.getCause() instanceof SQLException sql) {
                    throw sql;
                }
                throw (IOException) e.getCause();
            }
            boolean failed = parsed.validLines() == 0;
            StoredBatch batch = new StoredBatch(batchId, parsed.endpoint(), header.window(), header.inputFileId(),
                    failed ? BatchObject.FAILED : BatchObject.IN_PROGRESS, now, failed ? null : now, expires,
                    failed ? now : null, null, null, null, null, header.metadataJson(), parsed.invalid().size(),
                    parsed.validLines(), parsed.validLines(), 0, 0, 0, null);
            writer.finish(batch, tenant, header.callbackUrl(), parsed.invalid());
            List<LineError> shown = failed
                    ? parsed.invalid().subList(0, Math.min(INLINE_ERRORS, parsed.invalid().size())) : List.of();
            return BatchObject.of(batch, shown);
        }
    }

    static Duration completionWindow(String window) {
        Matcher m = WINDOW.matcher(window);
        if (!m.matches()) {
            throw ApiException.invalid("invalid_value", "completion_window",
                    "completion_window must be a whole number of hours such as 24h, got '" + window + "'");
        }
        return Duration.ofHours(Integer.parseInt(m.group(1)));
    }

    /** Carries a checked storage failure out of the parser's line callback. */
    private static final class StoreFailure extends RuntimeException {
        StoreFailure(Exception cause) {
            super(cause);
        }
    }
}
