package dev.railyard.budget;

import dev.railyard.budget.ledger.LedgerWriter;
import dev.railyard.config.Deployment;
import dev.railyard.config.RailyardConfig;
import dev.railyard.kafka.BatchLoop;
import dev.railyard.kafka.DeadLetters;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import dev.railyard.schema.db.Migrations;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The budget service: consumes {@code railyard.jobs.results} in the {@code railyard-budget} group and
 * records each job's terminal state, its attempts and the spend ledger in PostgreSQL, one transaction
 * per poll batch. The data source should set {@code reWriteBatchedInserts=true} (as
 * {@code Database.pool} does) so batches become multi-row inserts. Applies the migrations at start.
 */
public final class BudgetService implements AutoCloseable {
    public static final String GROUP = "railyard-budget";
    private static final int MAX_POLL_RECORDS = 2000;

    private final DataSource dataSource;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final BatchLoop loop;
    private final AtomicBoolean started = new AtomicBoolean();

    public BudgetService(RailyardConfig config, KafkaClients clients, DataSource dataSource) {
        this.dataSource = dataSource;
        this.producer = clients.producer("budget-service");
        this.consumer = clients.consumer(GROUP, MAX_POLL_RECORDS);
        ResultsHandler handler = new ResultsHandler(new EventCodec(), new LedgerWriter(dataSource),
                new DeadLetters(producer), deployment -> config.deployment(deployment).map(Deployment::provider));
        this.loop = new BatchLoop("budget", consumer, List.of(Topics.JOBS_RESULTS), handler);
    }

    public void start() {
        if (started.compareAndSet(false, true)) {
            new Migrations(dataSource).migrate();
            loop.start();
        }
    }

    /** Stops after the batch in hand is written and committed. The data source stays open: the caller owns it. */
    @Override
    public void close() {
        stopLoop(false);
        producer.close();
    }

    /** A crash, for tests: stops without committing offsets; redelivered results are written idempotently. */
    public void halt() {
        stopLoop(true);
        producer.close(Duration.ZERO);
    }

    private void stopLoop(boolean crash) {
        if (started.compareAndSet(false, true)) {
            consumer.close(Duration.ZERO); // the loop never ran, so it will not close its consumer; nor will it start now
            return;
        }
        if (crash) {
            loop.halt();
        } else {
            loop.close();
        }
    }
}
